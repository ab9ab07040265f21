/**
 * The web app as a child process: `next build` when the build is missing or older than a source file
 * (with a progress message, since it takes ~20 s), then `next start` on a loopback port, pointed at the API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { spawnTiedNode } from './child/tied-child.js';

const require = createRequire(import.meta.url);

/** apps/web, found through its package so the platform works from any working directory. */
export const WEB_DIR = path.dirname(require.resolve('@sgdscope/web/package.json'));
const NEXT_BIN = path.join(path.dirname(require.resolve('next/package.json')), 'dist/bin/next');

const NOT_SOURCE = new Set(['node_modules', '.next', 'test', 'test-output', '.turbo']);

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCE.has(entry.name)) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when `.next/BUILD_ID` is missing or older than some source file of apps/web. */
export function webBuildIsStale(): boolean {
  const buildId = path.join(WEB_DIR, '.next', 'BUILD_ID');
  return !existsSync(buildId) || statSync(buildId).mtimeMs <= newestSourceMtime(WEB_DIR);
}

function runToExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs `next build` if stale; its output goes to `log` line by line. */
export async function ensureWebBuilt(log: (line: string) => void): Promise<void> {
  if (!webBuildIsStale()) return;
  log('building the web app (next build, about 20-60 s; only when apps/web changed)...');
  const child = spawn(process.execPath, [NEXT_BIN, 'build'], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const code = await runToExit(child);
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output.slice(-4000)}`);
  log('web app built');
}

export interface WebProcess {
  readonly url: string;
  stop(): Promise<void>;
}

export interface StartWebOptions {
  readonly port: number;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly timeoutMs?: number;
}

/** Rejects when something already listens on 127.0.0.1:`port` (else its answers would pass for ours). */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `WEB_PORT ${port} is already in use (another sgdscope or next server?): stop it or set WEB_PORT`
            : `cannot listen on WEB_PORT ${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** `next start` on 127.0.0.1:`port`; resolves once it answers HTTP. */
export async function startWeb(options: StartWebOptions): Promise<WebProcess> {
  await assertPortFree(options.port);
  // Tied to this process: a SIGKILLed platform must not leave `next start` holding the port.
  const child = spawnTiedNode(NEXT_BIN, ['start', '-p', String(options.port), '-H', '127.0.0.1'], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      SGDSCOPE_API_URL: options.apiUrl,
      SGDSCOPE_API_KEY: options.apiKey,
    },
  });
  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`next start did not answer within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
