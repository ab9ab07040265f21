import { buildDbCommand } from '@sgdscope/db/cli';
import { Command } from 'commander';
import { registerAnalyzeCommand } from './analyze.js';
import { registerSweepCommand } from './sweep.js';
import { registerTrainCommand } from './train.js';
import { registerWorkerCommand } from './worker.js';

/** Entry point of the `sgdscope` command: each subcommand lives in its own module and registers itself here. */
const program = new Command()
  .name('sgdscope')
  .description('sgdscope: measure SGD as a physical process. Train, log trajectories, analyze, serve.')
  .showHelpAfterError();

registerTrainCommand(program);
registerSweepCommand(program);
registerWorkerCommand(program);
registerAnalyzeCommand(program);
// The schema engine never closes its pg pools (stack-notes trap 6): `sgdscope db ...` exits explicitly.
program.addCommand(buildDbCommand().hook('postAction', () => process.exit(process.exitCode ?? 0)));

await program.parseAsync(process.argv);
