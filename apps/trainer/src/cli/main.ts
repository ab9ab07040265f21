import { Command } from 'commander';
import { registerAnalyzeCommand } from './analyze.js';

/** Entry point of the `sgdscope` command: each subcommand lives in its own module and registers itself here. */
const program = new Command()
  .name('sgdscope')
  .description('sgdscope: measure SGD as a physical process. Train, log trajectories, analyze, serve.')
  .showHelpAfterError();

registerAnalyzeCommand(program);

await program.parseAsync(process.argv);
