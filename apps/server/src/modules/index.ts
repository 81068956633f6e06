import { adminModule } from './admin/index.ts';
import type { ServerModule } from './types.ts';

export type { ServerModule } from './types.ts';

/**
 * Modules createApp registers after the core routes, in order (their migrations run in this
 * order too). Append a module here to add it to the server.
 */
export const modules: ServerModule[] = [adminModule];
