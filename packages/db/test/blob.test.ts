import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultBlobStore, LocalBlobStore } from '../src/blob/index.js';
import { NotFoundError } from '../src/repo/errors.js';

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('LocalBlobStore', () => {
  let root: string;
  let store: LocalBlobStore;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sgdscope-blob-'));
    store = new LocalBlobStore(root);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('puts and gets bytes with the SHA-256 of what was written', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
    const result = await store.put('runs/a/x.bin', bytes);
    assert.equal(result.byteLength, bytes.byteLength);
    assert.equal(result.checksum, createHash('sha256').update(bytes).digest('hex'));
    assert.deepEqual(await store.get('runs/a/x.bin'), bytes);
    assert.equal(await store.exists('runs/a/x.bin'), true);
  });

  it('streams a put in parts and reads back through a stream', async () => {
    async function* parts() {
      for (let i = 0; i < 10; i++) yield new Uint8Array(65_536).fill(i);
    }
    const result = await store.put('runs/b/big.bin', parts());
    assert.equal(result.byteLength, 655_360);
    const stream = await store.createReadStream('runs/b/big.bin');
    const hash = createHash('sha256');
    for await (const part of stream) hash.update(part as Buffer);
    assert.equal(hash.digest('hex'), result.checksum);
  });

  it('leaves neither the key nor a temp file when the source fails mid-write', async () => {
    async function* failing() {
      yield new Uint8Array(1000);
      throw new Error('connection dropped');
    }
    await assert.rejects(store.put('runs/c/broken.bin', failing()), /connection dropped/);
    assert.equal(await store.exists('runs/c/broken.bin'), false);
    assert.deepEqual(await readdir(path.join(root, 'runs', 'c')), []);
  });

  it('replaces an existing key atomically with the complete new bytes', async () => {
    await store.put('runs/d/v.bin', new Uint8Array([1, 2, 3]));
    await store.put('runs/d/v.bin', new Uint8Array([4, 5]));
    assert.deepEqual(await store.get('runs/d/v.bin'), new Uint8Array([4, 5]));
  });

  it('throws NotFoundError for missing keys and deletes idempotently', async () => {
    await assert.rejects(store.get('runs/none.bin'), NotFoundError);
    await assert.rejects(store.createReadStream('runs/none.bin'), NotFoundError);
    await store.put('runs/e/gone.bin', new Uint8Array([9]));
    assert.equal(await store.delete('runs/e/gone.bin'), true);
    assert.equal(await store.delete('runs/e/gone.bin'), false);
    assert.equal(await store.exists('runs/e/gone.bin'), false);
  });

  it('rejects keys that could escape the root or hide as temp files', async () => {
    for (const key of ['../x', '/abs', 'a/../../b', '.hidden', 'a//b', '', 'a/.tmp-1', 'sp ace']) {
      await assert.rejects(store.put(key, new Uint8Array(1)), RangeError, key);
    }
  });

  it('lists blobs under a prefix without temp files, and sweeps stale temp files', async () => {
    await store.put('runs/f/1.bin', new Uint8Array(3));
    await store.put('runs/f/sub/2.bin', new Uint8Array(4));
    const stale = path.join(root, 'runs', 'f', '.tmp-deadbeef');
    await writeFile(stale, 'partial');
    const old = new Date(Date.now() - 3_600_000);
    await utimes(stale, old, old);
    const listed = [];
    for await (const entry of store.list('runs/f/')) listed.push([entry.key, entry.byteLength]);
    assert.deepEqual(listed, [
      ['runs/f/1.bin', 3],
      ['runs/f/sub/2.bin', 4],
    ]);
    assert.equal(await store.sweepTempFiles(60_000), 1);
    await assert.rejects(stat(stale), { code: 'ENOENT' });
    assert.ok((await allFiles(root)).every((f) => !path.basename(f).startsWith('.tmp-')));
  });

  it('defaults to $SGDSCOPE_DATA_DIR/blobs', () => {
    assert.equal(defaultBlobStore({ SGDSCOPE_DATA_DIR: '/data/x' }).rootDir, '/data/x/blobs');
  });
});
