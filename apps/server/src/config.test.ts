import { describe, expect, it } from 'vitest';
import { AppError } from '@smartmirror/api';
import { configTable } from './config-doc.ts';
import { CONFIG_ENV, ConfigSchema, loadConfig } from './config.ts';

const failure = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('did not throw');
};

describe('loadConfig', () => {
  it('applies defaults, reads the environment, and lets flags win', () => {
    const c = loadConfig({ SMARTMIRROR_PORT: '9000', SMARTMIRROR_DATA: '/srv/mirror', SMARTMIRROR_THRESHOLD: '0.7' }, { port: '0' });
    expect(c.port).toBe(0);
    expect(c.dataDir).toBe('/srv/mirror');
    expect(c.threshold).toBe(0.7);
    expect(c.host).toBe('0.0.0.0');
    expect(c.model).toBe('mobilenet-v2');
  });

  it('fails fast with one 4xx AppError naming the variable or the flag', () => {
    const env = failure(() => loadConfig({ SMARTMIRROR_PORT: 'eighty' }));
    expect(env.code).toBe('CONFIG_INVALID');
    expect(env.status).toBeLessThan(500); // the CLI exits 2
    expect(env.message).toContain('SMARTMIRROR_PORT');
    expect(failure(() => loadConfig({}, { port: '70000' })).message).toContain('--port');
    expect(failure(() => loadConfig({ SMARTMIRROR_ADMIN_TOKEN: 'short' })).message).toContain('SMARTMIRROR_ADMIN_TOKEN');
  });

  it('ignores empty variables (unset in a compose file) instead of failing', () => {
    expect(loadConfig({ SMARTMIRROR_PORT: '' }).port).toBe(8080);
  });
});

describe('configTable', () => {
  it('documents every key with its variable and default', () => {
    const table = configTable();
    for (const key of Object.keys(ConfigSchema.shape) as (keyof typeof CONFIG_ENV)[]) expect(table).toContain(`\`${CONFIG_ENV[key]}\``);
    expect(table).toContain('`8080`');
    expect(table.split('\n')).toHaveLength(Object.keys(ConfigSchema.shape).length + 2);
  });
});
