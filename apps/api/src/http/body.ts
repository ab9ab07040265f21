/** Size-capped request body reading: an oversize body is refused with 413 before it is buffered whole. */
import type { IncomingMessage } from 'node:http';

/** Thrown when a body exceeds its cap. */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

/** Read the whole body, failing as soon as more than `limit` bytes arrive. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new PayloadTooLargeError(`request body of ${declared} bytes exceeds the ${limit}-byte limit`);
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new PayloadTooLargeError(`request body exceeds the ${limit}-byte limit`);
    parts.push(buf);
  }
  return Buffer.concat(parts);
}
