import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeNpy, encodeNpy, halfToFloat, NpyFormatError, parseNpyHeader } from '../src/io/index.js';

/** Build a .npy file by hand, as numpy would, with any header text and version. */
function rawNpy(dict: string, major: 1 | 2 | 3, body: Uint8Array): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const unpadded = pre + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const text = `${dict}${' '.repeat(total - unpadded)}\n`;
  const out = new Uint8Array(total + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(new TextEncoder().encode(text), pre);
  out.set(body, total);
  return out;
}

test('npy round trip: float32 2-D and float64 1-D arrays survive encode/decode exactly', () => {
  const a = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 3);
  const fa = encodeNpy([3, 4], a);
  assert.equal(parseNpyHeader(fa).dataOffset % 64, 0, 'data must start on a 64-byte boundary');
  const da = decodeNpy(fa);
  assert.deepEqual(da.header.shape, [3, 4]);
  assert.equal(da.header.dtype, 'float32');
  assert.deepEqual(Array.from(da.data), Array.from(a));
  const b = Float64Array.from([Math.PI, -1e-300, 1e300, 0]);
  const db = decodeNpy(encodeNpy([4], b));
  assert.deepEqual(db.header.shape, [4]);
  assert.equal(db.header.dtype, 'float64');
  assert.deepEqual(Array.from(db.data), Array.from(b));
});

test('npy header versions 2.0 and 3.0 parse, with the 4-byte length field', () => {
  const body = new Uint8Array(new Float64Array([1, 2]).buffer);
  for (const major of [2, 3] as const) {
    const f = rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", major, body);
    const { header, data } = decodeNpy(f);
    assert.equal(header.version.major, major);
    assert.deepEqual(Array.from(data), [1, 2]);
  }
});

test('npy <f2 is widened to float32 with exact half-precision values', () => {
  const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3555];
  const body = new Uint8Array(new Uint16Array(halves).buffer);
  const { header, data } = decodeNpy(
    rawNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }", 1, body),
  );
  assert.equal(header.dtype, 'float16');
  assert.ok(data instanceof Float32Array);
  assert.deepEqual(Array.from(data.slice(0, 5)), [1, -2, 65504, 2 ** -24, Number.POSITIVE_INFINITY]);
  // 0x3555 = 0.333251953125, the nearest half to 1/3.
  assert.equal(data[5], 0.333251953125);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
});

test('npy errors name the problem: magic, big-endian, Fortran order, dtype, version, truncation', () => {
  const body = new Uint8Array(16);
  const cases: [Uint8Array, RegExp][] = [
    [new TextEncoder().encode('NOTNUMPYFILE....'), /bad magic/],
    [rawNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", 1, body), /big-endian/],
    [rawNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", 1, body), /Fortran/],
    [rawNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 1, body), /unsupported dtype '<i8'/],
    [rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", 1, body), /truncated/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(
      () => decodeNpy(bytes),
      (e: unknown) => e instanceof NpyFormatError && message.test(e.message),
    );
  }
  const v9 = rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 1, body);
  v9[6] = 9;
  assert.throws(() => decodeNpy(v9), /version 9\.0/);
});

test('decodeNpy of a Node Buffer view decodes only its own bytes (Buffer#slice shares memory)', () => {
  const data = Float64Array.from({ length: 5 }, (_, i) => i + 0.5);
  const encoded = encodeNpy([5], data);
  // A Buffer that is a view into a larger pool, as fs reads and Buffer.from often are.
  const pool = Buffer.alloc(encoded.length + 64, 7);
  pool.set(encoded, 32);
  const view = pool.subarray(32, 32 + encoded.length);
  const decoded = decodeNpy(view);
  assert.deepEqual(Array.from(decoded.data), Array.from(data));
});
