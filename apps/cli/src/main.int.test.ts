import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/smartmirror.js', import.meta.url));
const run = promisify(execFile);

/** Runs the real `smartmirror` binary; resolves with its exit code and output. */
export async function smartmirror(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

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
