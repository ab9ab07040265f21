/**
 * Maps a positive value onto the fractional column (or row) index of a log-spaced sweep grid.
 *
 * Sweep grids are rarely log-uniform (η = 0.01, 0.02, 0.05, 0.1, ...), so a heatmap that sizes every cell
 * equally must place cells by index, not by log value, or it leaves gaps and overlaps between columns. Curves
 * and boundary points then need the same mapping: piecewise linear in log between neighbouring grid values, and
 * linear in log beyond the ends along the first or last segment.
 */
export function logGridIndex(grid: ReadonlyArray<number>): (value: number) => number {
  const logs = grid.map((v) => Math.log10(v));
  if (logs.length < 2) return () => 0;
  return (value: number) => {
    const l = Math.log10(value);
    let i = 0;
    // Grids hold a handful of values; a linear scan beats a binary search here and reads plainly.
    while (i < logs.length - 2 && l > logs[i + 1]) i += 1;
    const span = logs[i + 1] - logs[i];
    return i + (span === 0 ? 0 : (l - logs[i]) / span);
  };
}
