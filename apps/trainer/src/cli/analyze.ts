import type { Command } from 'commander';

/** `sgdscope analyze ...`: compute metrics from NumPy files and print JSON. */
export function registerAnalyzeCommand(program: Command): void {
  program
    .command('analyze')
    .description('Analyze .npy files (trajectory, stable, escape, landscape) and print JSON');
}
