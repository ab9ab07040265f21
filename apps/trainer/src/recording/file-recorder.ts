import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact, RunRecorder, RunStatus, StepBatch, TrajectoryChunk } from './recorder.js';

/**
 * A RunRecorder writing one run directory, readable by numpy without sgdscope:
 *   run.json                                   config, backend, status, summary
 *   steps/steps-<fromStep>-<count>.json        one per logSteps batch (non-finite values as null)
 *   trajectory/chunk-<seq>.npy + .json         rows × d, '<f4' or '<f2' (float16 bits are numpy's float16)
 *   artifacts/<name>/<step>.npy + .json        data and shape/meta
 * Every file is written to a temporary name and renamed, so a crash never leaves a half-written file under
 * its final name; rewriting a batch, chunk or artifact with the same key replaces it (idempotent contract).
 */
export class FileRecorder implements RunRecorder {
  constructor(readonly directory: string) {
    for (const sub of ['steps', 'trajectory', 'artifacts'])
      mkdirSync(join(directory, sub), { recursive: true });
  }

  async start(info: Parameters<RunRecorder['start']>[0]): Promise<void> {
    const previous = this.readRunFile();
    this.writeRunFile({ ...previous, ...info, status: 'running', startedAt: new Date().toISOString() });
  }

  async logSteps(batch: StepBatch): Promise<void> {
    const names = Object.keys(batch.series);
    const count = names.length === 0 ? 0 : batch.series[names[0]].length;
    if (count === 0) return;
    const series = Object.fromEntries(
      names.map((name) => [name, Array.from(batch.series[name], (v) => (Number.isFinite(v) ? v : null))]),
    );
    const file = join(this.directory, 'steps', `steps-${pad(batch.fromStep, 12)}-${pad(count, 8)}.json`);
    atomicWrite(file, JSON.stringify({ fromStep: batch.fromStep, count, series }));
  }

  async writeTrajectoryChunk(chunk: TrajectoryChunk): Promise<void> {
    const base = join(this.directory, 'trajectory', `chunk-${pad(chunk.seq, 8)}`);
    atomicWrite(`${base}.npy`, encodeNpy([chunk.rows, chunk.d], chunk.data, chunk.dtype));
    const { data: _data, ...meta } = chunk;
    atomicWrite(`${base}.json`, JSON.stringify(meta));
  }

  async writeArtifact(artifact: Artifact): Promise<void> {
    const folder = join(this.directory, 'artifacts', safeName(artifact.name));
    mkdirSync(folder, { recursive: true });
    const base = join(folder, pad(artifact.step, 12));
    const dtype = artifact.data instanceof Float64Array ? 'float64' : 'float32';
    atomicWrite(`${base}.npy`, encodeNpy(artifact.shape, artifact.data, dtype));
    const { data: _data, ...meta } = artifact;
    atomicWrite(`${base}.json`, JSON.stringify(meta));
  }

  async lastStep(): Promise<number> {
    let last = -1;
    for (const file of readdirSync(join(this.directory, 'steps'))) {
      const match = /^steps-(\d+)-(\d+)\.json$/.exec(file);
      if (match) last = Math.max(last, Number(match[1]) + Number(match[2]) - 1);
    }
    return last;
  }

  async readArtifact(name: string): Promise<Artifact | null> {
    const folder = join(this.directory, 'artifacts', safeName(name));
    let files: string[];
    try {
      files = readdirSync(folder);
    } catch {
      return null;
    }
    const steps = files
      .map((f) => /^(\d+)\.json$/.exec(f))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]));
    if (steps.length === 0) return null;
    const base = join(folder, pad(Math.max(...steps), 12));
    const meta = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Omit<Artifact, 'data'>;
    const { data } = decodeNpy(readFileSync(`${base}.npy`));
    if (data instanceof Uint16Array) throw new Error(`${base}.npy: float16 artifacts are not supported`);
    return { ...meta, data };
  }

  async finish(
    status: Exclude<RunStatus, 'queued' | 'running'>,
    summary?: Readonly<Record<string, unknown>>,
  ) {
    this.writeRunFile({
      ...this.readRunFile(),
      status,
      summary: summary ?? null,
      finishedAt: new Date().toISOString(),
    });
  }

  private readRunFile(): Record<string, unknown> {
    try {
      return JSON.parse(readFileSync(join(this.directory, 'run.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  private writeRunFile(content: Record<string, unknown>): void {
    atomicWrite(join(this.directory, 'run.json'), JSON.stringify(content, null, 2));
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function safeName(name: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.'))
    throw new Error(`artifact name '${name}' is not a safe file name`);
  return name;
}

let tempCounter = 0;

/** Write to a unique temporary file in the same folder, then rename over the target (atomic on POSIX). */
function atomicWrite(path: string, content: string | Uint8Array): void {
  tempCounter += 1;
  const temp = `${path}.tmp-${process.pid}-${tempCounter}`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

const NPY_DESCR = { float16: '<f2', float32: '<f4', float64: '<f8' } as const;

/** NPY format 1.0 (numpy.lib.format): magic, version, little-endian header length, dict header padded to 64 bytes. */
export function encodeNpy(
  shape: readonly number[],
  data: Float32Array | Float64Array | Uint16Array,
  dtype: keyof typeof NPY_DESCR,
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${NPY_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64);
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Reads an NPY 1.0 file written by encodeNpy (float16 comes back as its Uint16 bit patterns). */
export function decodeNpy(bytes: Uint8Array): {
  shape: number[];
  data: Float32Array | Float64Array | Uint16Array;
} {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const body = bytes.slice(10 + headerLength);
  if (descr === '<f4')
    return { shape, data: new Float32Array(body.buffer, body.byteOffset, body.byteLength / 4) };
  if (descr === '<f8')
    return { shape, data: new Float64Array(body.buffer, body.byteOffset, body.byteLength / 8) };
  if (descr === '<f2')
    return { shape, data: new Uint16Array(body.buffer, body.byteOffset, body.byteLength / 2) };
  throw new Error(`unsupported npy dtype ${descr}`);
}
