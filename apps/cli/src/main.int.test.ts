import { describe, expect, it } from 'vitest';
import { smartmirror } from '../test/run.ts';

describe('smartmirror binary', () => {
  it('prints help and exits 0', async () => {
    const r = await smartmirror(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: smartmirror');
  });

  it('answers an unknown command with exit code 2 and one line', async () => {
    const r = await smartmirror(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
