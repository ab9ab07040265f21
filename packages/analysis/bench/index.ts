/**
 * Benchmarks of @sgdscope/analysis: `npm run bench -w @sgdscope/analysis [-- --quick]`.
 * Each module runs on import and prints its numbers with ratios against a baseline measured in the
 * same run. Append new benchmarks as further sequential imports.
 */
await import('./msd.js');
await import('./stable.js');
await import('./sketch.js');
