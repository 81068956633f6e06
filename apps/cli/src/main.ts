import { Command, CommanderError } from 'commander';
import { isAppError } from '@smartmirror/api';
import { commands } from './commands/index.ts';

/** Exit code for bad input (unknown model, missing dir, unreadable image, bad flag). */
export const EXIT_BAD_INPUT = 2;

const program = new Command('smartmirror')
  .description('A smart mirror that learns products by being shown them.')
  .showHelpAfterError(false)
  .exitOverride();
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

// Users get one readable line and an exit code, never a stack trace.
function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its own one-line message (or the help text).
    return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  }
  if (isAppError(err)) {
    process.stderr.write(`smartmirror: ${err.message} (${err.code})\n`);
    return err.status < 500 ? EXIT_BAD_INPUT : 1;
  }
  process.stderr.write(`smartmirror: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.SMARTMIRROR_DEBUG) console.error(err);
  return 1;
}
