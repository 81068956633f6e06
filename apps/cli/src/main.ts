import { Command } from 'commander';

const program = new Command('smartmirror').description('A smart mirror that learns products by being shown them.');

await program.parseAsync(process.argv);
