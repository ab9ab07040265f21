import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/** PGlite's package version (its `exports` map hides package.json, so walk up from the entry point). */
export function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (dir !== dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

let inProcess: Promise<Blob> | undefined;

/**
 * A tarball of a freshly initialised, empty PGlite cluster, used as `loadDataDir` for every new instance.
 *
 * `initdb` inside WASM takes 2.3–12.5 s here (load-dependent); unpacking this tarball is 4–5x faster,
 * into memory or into a data directory (measured in bench/foundation.ts). Shadow databases and test targets are new
 * instances every time, so this is what keeps `migrate dev` and the test suites fast. Cached in memory and
 * in the OS temp directory keyed by PGlite version (a cluster from another version would not open);
 * written to a private name then renamed, so concurrent processes never read half a file.
 */
export function freshClusterTarball(): Promise<Blob> {
  inProcess ??= (async () => {
    const path = join(tmpdir(), `sgdscope-pglite-${pgliteVersion()}-fresh-cluster.tar`);
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    const db = await PGlite.create();
    const tarball = await db.dumpDataDir('none');
    await db.close();
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await tarball.arrayBuffer()));
    renameSync(partial, path);
    return tarball;
  })();
  inProcess.catch(() => {
    inProcess = undefined;
  });
  return inProcess;
}
