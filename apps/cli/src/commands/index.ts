import type { Command } from 'commander';
import { registerServe } from './serve.ts';
import { registerTrain } from './train.ts';
import { registerClassify } from './classify.ts';
import { registerLabels } from './labels.ts';
import { registerExport } from './export.ts';
import { registerImport } from './import.ts';
import { registerToken } from './token.ts';
import { registerDoctor } from './doctor.ts';
import { registerDemo } from './demo.ts';
import { registerEval } from './eval.ts';
import { registerModel } from './model.ts';

/** Adds one subcommand (with its options and action) to the program. */
export type RegisterCommand = (program: Command) => void;

// Each subcommand lives in its own file; add it here to expose it.
export const commands: RegisterCommand[] = [registerServe, registerTrain, registerClassify, registerLabels, registerExport, registerImport, registerToken, registerEval, registerModel, registerDoctor, registerDemo];
