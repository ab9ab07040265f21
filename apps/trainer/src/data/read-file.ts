import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFormatError } from './dataset.js';

/** Reads a whole file (transparently gunzipping `.gz`), turning "not found" into a DataFormatError. */
export function readDataFile(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFormatError(
      path,
      code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(error)})`,
    );
  }
  if (path.endsWith('.gz')) {
    try {
      return gunzipSync(bytes);
    } catch {
      throw new DataFormatError(path, 'not a valid gzip file');
    }
  }
  return bytes;
}
