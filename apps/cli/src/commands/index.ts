import type { Command } from 'commander';
import { registerServe } from './serve.ts';
import { registerDoctor } from './doctor.ts';
import { registerDemo } from './demo.ts';
import { registerEval } from './eval.ts';
import { registerModel } from './model.ts';

/** Adds one subcommand (with its options and action) to the program. */
export type RegisterCommand = (program: Command) => void;

// Each subcommand lives in its own file; add it here to expose it.
export const commands: RegisterCommand[] = [registerServe, registerEval, registerModel, registerDoctor, registerDemo];
