/**
 * Exact, fixed-length windows over a streamed trajectory (seed 000 §"MSD", science-spec §1.2 and
 * "Project conventions": windows of T steps starting at tw = 0, T, 2T, ...).
 *
 * The trajectory is never held whole: rows are copied into one reusable window buffer that holds
 * exactly the rows a window needs (`span`), and rows a later window still needs are shifted down
 * instead of being re-read. Memory is therefore O(span * d) whatever the trajectory length.
 */
import { AnalysisInputError, type RowChunk, type RowStream } from '../types.js';

/** One window of consecutive rows, row-major. `data` is a view of a reused buffer: it is only valid until the next window is requested. */
export interface TrajectoryWindow {
  /** Index (0-based step) of the window's first row in the trajectory. */
  readonly tw: number;
  readonly rows: number;
  readonly d: number;
  readonly data: Float32Array | Float64Array;
}

export interface WindowingOptions {
  /** Rows each window holds: T for the time-averaged MSD, 2T for the seed's Eq. 3. Default 1000. */
  readonly span?: number;
  /** Rows between consecutive window starts; defaults to `span`. */
  readonly stride?: number;
  /** Stop after this many windows (rows after the last needed one are never pulled). */
  readonly maxWindows?: number;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new AnalysisInputError(`${name} must be a positive integer, got ${value}`);
  }
}

/**
 * Reject NaN and +-Inf. A sum of v*0 stays 0 for finite input and becomes NaN otherwise, which
 * is much cheaper than a per-element branch; only a failing chunk is scanned for the culprit.
 */
function assertFiniteChunk(chunk: RowChunk, firstRow: number): void {
  const { data, rows, d } = chunk;
  const n = rows * d;
  let probe = 0;
  for (let i = 0; i < n; i++) probe += data[i] * 0;
  if (probe === 0) return;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data[i])) {
      const row = firstRow + Math.floor(i / d);
      throw new AnalysisInputError(
        `trajectory row ${row} (coordinate ${i % d}) is ${data[i]}: MSD needs finite weights in every row`,
      );
    }
  }
}

/**
 * Yield exact windows of `span` rows starting at tw = 0, stride, 2*stride, ... from a row stream
 * of arbitrary chunk sizes. A trailing partial window is dropped (windows are exact). Throws
 * AnalysisInputError on NaN/Inf rows, inconsistent d, malformed chunks, or when the stream ends
 * before one full window.
 *
 * The buffer matches the input precision (Float32Array for float32 chunks) so a 1000 x 20000 window
 * costs 80 MB, and is upgraded to Float64Array if any float64 chunk arrives.
 */
export async function* streamWindows(
  stream: RowStream,
  options: WindowingOptions = {},
): AsyncGenerator<TrajectoryWindow, void, undefined> {
  const span = options.span ?? 1000;
  const stride = options.stride ?? span;
  const maxWindows = options.maxWindows ?? Number.POSITIVE_INFINITY;
  assertPositiveInteger('window span', span);
  assertPositiveInteger('window stride', stride);
  if (maxWindows !== Number.POSITIVE_INFINITY) assertPositiveInteger('maxWindows', maxWindows);

  let d = -1;
  let buffer: Float32Array | Float64Array | null = null;
  let filled = 0; // rows of the next window already in the buffer
  let skip = 0; // rows to discard before the next window starts (stride > span)
  let nextTw = 0;
  let rowsSeen = 0;
  let emitted = 0;

  for await (const chunk of stream) {
    if (!Number.isInteger(chunk.rows) || chunk.rows < 0 || !Number.isInteger(chunk.d) || chunk.d < 1) {
      throw new AnalysisInputError(`malformed chunk: rows=${chunk.rows}, d=${chunk.d}`);
    }
    if (chunk.data.length < chunk.rows * chunk.d) {
      throw new AnalysisInputError(
        `chunk at row ${rowsSeen} claims ${chunk.rows} x ${chunk.d} values but holds ${chunk.data.length}`,
      );
    }
    if (chunk.rows === 0) continue;
    if (d === -1) {
      d = chunk.d;
      buffer = chunk.data instanceof Float64Array ? new Float64Array(span * d) : new Float32Array(span * d);
    } else if (chunk.d !== d) {
      throw new AnalysisInputError(`chunk at row ${rowsSeen} has d=${chunk.d}, earlier rows had d=${d}`);
    }
    if (buffer instanceof Float32Array && chunk.data instanceof Float64Array) {
      const wider = new Float64Array(span * d);
      wider.set(buffer);
      buffer = wider;
    }
    const buf = buffer as Float32Array | Float64Array;
    assertFiniteChunk(chunk, rowsSeen);

    let r = 0;
    while (r < chunk.rows) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.rows - r);
        skip -= n;
        r += n;
        continue;
      }
      const n = Math.min(span - filled, chunk.rows - r);
      buf.set(chunk.data.subarray(r * d, (r + n) * d), filled * d);
      filled += n;
      r += n;
      if (filled === span) {
        yield { tw: nextTw, rows: span, d, data: buf };
        emitted++;
        if (emitted >= maxWindows) return;
        nextTw += stride;
        if (stride < span) {
          // The next window re-reads the last span - stride rows (eq3 windows overlap in what they read).
          buf.copyWithin(0, stride * d, span * d);
          filled = span - stride;
        } else {
          filled = 0;
          skip = stride - span;
        }
      }
    }
    rowsSeen += chunk.rows;
  }
  if (emitted === 0) {
    throw new AnalysisInputError(
      `trajectory has ${rowsSeen} rows but one window needs ${span} rows: record a longer run or use a smaller window`,
    );
  }
}
