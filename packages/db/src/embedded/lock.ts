import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

/** What a lock file records about the process holding a PGlite data directory. */
export interface DataDirLockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  /** The URL the holder serves the database on, so a second process can connect instead. */
  url?: string;
}

/** Thrown when a PGlite data directory is already open in another (or this) process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirLockInfo,
  ) {
    super(
      `PGlite data directory ${dataDir} is already in use by process ${holder.pid} on ${holder.hostname} ` +
        `(since ${holder.startedAt}${holder.url ? `, serving ${holder.url}` : ''}). ` +
        'PGlite is single-process: two processes writing one data directory corrupt it. ' +
        (holder.url
          ? `Connect to the running server instead (DATABASE_URL=${holder.url}), stop it, or use another SGDSCOPE_DATA_DIR.`
          : 'Stop that process or use another SGDSCOPE_DATA_DIR.'),
    );
    this.name = 'DataDirLockedError';
  }
}

/** A held lock: update the advertised URL once known, release when the database is closed. */
export interface DataDirLock {
  readonly path: string;
  setUrl(url: string): void;
  release(): void;
}

/** The lock file sits next to the data directory (PGlite owns everything inside it). */
export function lockPathFor(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): DataDirLockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DataDirLockInfo;
  } catch {
    // Missing, or half-written by a holder that crashed mid-write: treat as stale.
    return undefined;
  }
}

/**
 * Takes an exclusive lock on a PGlite data directory, atomically (`O_CREAT|O_EXCL`).
 *
 * PGlite has no postmaster lock of its own, so without this two processes would both open and write the
 * same files. A lock left by a dead process on this host is stale and is taken over; a live holder
 * (including this very process) gets a {@link DataDirLockedError} naming it and, if known, its URL.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = lockPathFor(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const info: DataDirLockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      return makeLock(path, info);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(path);
      if (holder && (holder.hostname !== info.hostname || isAlive(holder.pid))) {
        throw new DataDirLockedError(resolve(dataDir), holder);
      }
      unlinkSync(path);
    }
  }
  throw new Error(`Could not lock PGlite data directory ${dataDir}: lock file ${path} keeps reappearing`);
}

function makeLock(path: string, info: DataDirLockInfo): DataDirLock {
  let held = true;
  const releaseOnExit = () => lock.release();
  const lock: DataDirLock = {
    path,
    setUrl(url) {
      if (!held) return;
      info.url = url;
      // Rewrite in place; we own the file, so no exclusivity is needed here.
      const fd = openSync(path, 'w');
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
    },
    release() {
      if (!held) return;
      held = false;
      process.removeListener('exit', releaseOnExit);
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
  // A crash still leaves a stale file, which the next acquire detects by pid; a normal exit cleans up.
  process.on('exit', releaseOnExit);
  return lock;
}
