import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../bin/smartmirror.js', import.meta.url));
const run = promisify(execFile);

/** What a run of the CLI returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `smartmirror` binary in a child process; resolves with its exit code and output. */
export async function smartmirror(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
