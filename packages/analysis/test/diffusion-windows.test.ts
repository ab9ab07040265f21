import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyzeTrajectory,
  brownianWalk,
  chunkTrajectory,
  crossoverWalk,
  streamWindows,
  type TrajectoryWindow,
} from '../src/diffusion/index.js';
import { createRng } from '../src/random.js';
import { AnalysisInputError, type RowChunk } from '../src/types.js';

/** Rows whose every coordinate equals the row index (plus j / 10), so windows can be checked by value. */
function indexTrajectory(rows: number, d: number): RowChunk {
  const data = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) data[i * d + j] = i + j / 10;
  return { rows, d, data };
}

async function collect(
  stream: Iterable<RowChunk>,
  options: Parameters<typeof streamWindows>[1],
): Promise<Array<{ tw: number; rows: number; first: number; last: number }>> {
  const out: Array<{ tw: number; rows: number; first: number; last: number }> = [];
  for await (const w of streamWindows(stream, options)) {
    out.push({ tw: w.tw, rows: w.rows, first: w.data[0], last: w.data[(w.rows - 1) * w.d] });
  }
  return out;
}

test('windows are exact, start at tw = 0, T, 2T, ... and drop the trailing partial window', async () => {
  const traj = indexTrajectory(1050, 3);
  const windows = await collect(chunkTrajectory(traj, [7, 1, 333]), { span: 100 });
  assert.equal(windows.length, 10);
  windows.forEach((w, k) => {
    assert.deepEqual(w, { tw: 100 * k, rows: 100, first: 100 * k, last: 100 * k + 99 });
  });
});

test('eq3 spans (2T rows, stride T) overlap in what they read; stride > span skips rows', async () => {
  const traj = indexTrajectory(1000, 2);
  const eq3 = await collect(chunkTrajectory(traj, [13, 250, 1]), { span: 200, stride: 100 });
  assert.equal(eq3.length, 9); // tw = 0..800: tw + 200 <= 1000
  eq3.forEach((w, k) => {
    assert.deepEqual(w, { tw: 100 * k, rows: 200, first: 100 * k, last: 100 * k + 199 });
  });
  const sparse = await collect(chunkTrajectory(traj, [99]), { span: 100, stride: 300 });
  assert.deepEqual(
    sparse.map((w) => [w.tw, w.first]),
    [
      [0, 0],
      [300, 300],
      [600, 600],
      [900, 900],
    ],
  );
});

test('the window buffer is reused (no per-window allocation) and matches the input precision', async () => {
  const traj = indexTrajectory(300, 4);
  const f32: RowChunk = { rows: 300, d: 4, data: Float32Array.from(traj.data) };
  const seen: TrajectoryWindow['data'][] = [];
  for await (const w of streamWindows(chunkTrajectory(f32, [17]), { span: 100 })) seen.push(w.data);
  assert.equal(seen.length, 3);
  assert.ok(seen[0] === seen[1] && seen[1] === seen[2]);
  assert.ok(seen[0] instanceof Float32Array);
  // A float64 chunk arriving after float32 ones widens the buffer instead of truncating it.
  const mixed = [
    { rows: 50, d: 4, data: f32.data.subarray(0, 200) },
    { rows: 50, d: 4, data: traj.data.subarray(200, 400) },
  ];
  for await (const w of streamWindows(mixed, { span: 100 })) assert.ok(w.data instanceof Float64Array);
});

test('maxWindows stops pulling rows from the stream', async () => {
  let pulled = 0;
  function* counting(): Generator<RowChunk> {
    for (const c of chunkTrajectory(indexTrajectory(1000, 2), [10])) {
      pulled += c.rows;
      yield c;
    }
  }
  const windows = await collect(counting(), { span: 100, maxWindows: 2 });
  assert.equal(windows.length, 2);
  assert.equal(pulled, 200);
});

test('odd chunk sizes give results identical to one big chunk (both conventions)', async () => {
  const traj = crossoverWalk(createRng(11), 2600, 5, { crossoverLag: 20 });
  for (const convention of ['tamsd', 'eq3'] as const) {
    const options = { windowSize: 400, convention };
    const whole = await analyzeTrajectory([traj], options);
    const odd = await analyzeTrajectory(chunkTrajectory(traj, [1, 7, 333, 2, 401]), options);
    assert.equal(whole.windows.length, convention === 'tamsd' ? 6 : 5);
    assert.deepEqual(odd, whole);
  }
});

test('bad input raises AnalysisInputError with a message naming the problem', async () => {
  const traj = brownianWalk(createRng(3), 300, 4);
  const withNan = Float64Array.from(traj.data);
  withNan[123 * 4 + 2] = Number.NaN;
  await assert.rejects(
    analyzeTrajectory(chunkTrajectory({ rows: 300, d: 4, data: withNan }, [50]), { windowSize: 100 }),
    (e: unknown) => e instanceof AnalysisInputError && /row 123 \(coordinate 2\) is NaN/.test(e.message),
  );
  const withInf = Float64Array.from(traj.data);
  withInf[7] = Number.NEGATIVE_INFINITY;
  await assert.rejects(
    analyzeTrajectory([{ rows: 300, d: 4, data: withInf }], { windowSize: 100 }),
    (e: unknown) => e instanceof AnalysisInputError && /row 1 \(coordinate 3\) is -Infinity/.test(e.message),
  );
  await assert.rejects(
    analyzeTrajectory([traj], { windowSize: 1000 }),
    (e: unknown) =>
      e instanceof AnalysisInputError && /has 300 rows but one window needs 1000 rows/.test(e.message),
  );
  await assert.rejects(
    analyzeTrajectory([traj], { windowSize: 200, convention: 'eq3' }),
    (e: unknown) => e instanceof AnalysisInputError && /one window needs 400 rows/.test(e.message),
  );
  await assert.rejects(
    analyzeTrajectory([traj, { rows: 2, d: 5, data: new Float64Array(10) }], { windowSize: 100 }),
    (e: unknown) => e instanceof AnalysisInputError && /has d=5, earlier rows had d=4/.test(e.message),
  );
  await assert.rejects(
    analyzeTrajectory([{ rows: 20, d: 4, data: new Float64Array(12) }], { windowSize: 15 }),
    (e: unknown) => e instanceof AnalysisInputError && /holds 12/.test(e.message),
  );
  await assert.rejects(
    analyzeTrajectory([{ rows: 100, d: 2, data: new Float64Array(200) }], { windowSize: 50 }),
    (e: unknown) => e instanceof AnalysisInputError && /no displacement/.test(e.message),
  );
  await assert.rejects(analyzeTrajectory([traj], { windowSize: 8 }), AnalysisInputError);
});
