export * from './errors.ts';
export * from './events.ts';
export * from './schemas.ts';
export * from './schemas-admin.ts';
