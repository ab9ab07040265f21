import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as WasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg';

/** The engine class as the wasm-bindgen glue exports it (its `new` is the async factory). */
export type SchemaEngineClass = typeof SchemaEngine;

let loaded: Promise<SchemaEngineClass> | undefined;
/** Counts instantiations: each gets its own copy of the glue module (see {@link loadSchemaEngine}). */
let instances = 0;

/** The slice of the WebAssembly JS API used here (the project's `lib` has no DOM/WebAssembly typings). */
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

function wasmApi(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

/** Last Rust panic message reported by the wasm module (it calls a global registry before trapping). */
let lastPanicMessage: string | undefined;

/** The message of the most recent engine panic, to attach to the opaque `RuntimeError: unreachable`. */
export function takeEnginePanicMessage(): string | undefined {
  const message = lastPanicMessage;
  lastPanicMessage = undefined;
  return message;
}

/**
 * The glue reports Rust panics to `globalThis.PRISMA_WASM_PANIC_REGISTRY.set_message`; without the
 * registry the report itself throws a TypeError and the real message is lost.
 */
function installPanicRegistry(): void {
  lastPanicMessage = undefined;
  const registry = { set_message: (message: string) => (lastPanicMessage = message) };
  const scope = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof registry };
  scope.PRISMA_WASM_PANIC_REGISTRY ??= registry;
}

/**
 * Loads `@prisma/schema-engine-wasm` without `--experimental-wasm-modules`.
 *
 * The package's entry (`schema_engine.js`) does `import * as wasm from './schema_engine_bg.wasm'`, an ES
 * wasm-module import that Node 20 only allows behind a flag. Its glue (`schema_engine_bg.js`) is plain JS
 * and takes the instance through `__wbg_set_wasm`, so we instantiate the `.wasm` bytes ourselves with the
 * glue as the import object (the module's single import namespace is `./schema_engine_bg.js`) and run the
 * same two start-up steps the entry file runs. Callers (API start, tests, CLI) therefore need no flag and
 * no child process. Instantiated once per process (again only after a panic, see {@link guardEnginePanics}).
 */
export function loadSchemaEngine(): Promise<SchemaEngineClass> {
  loaded ??= (async () => {
    installPanicRegistry();
    const require = createRequire(import.meta.url);
    // The package's `exports` map hides the .wasm file itself; it sits next to the glue.
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = gluePath.replace(/\.js$/, '.wasm');
    // The glue keeps module-level state (the instance, cached memory views, the object heap). After a
    // panic that state belongs to a dead instance, so every instantiation imports its own copy of the
    // glue (a distinct URL is a distinct ES module).
    instances += 1;
    const glueUrl = `${pathToFileURL(gluePath).href}?instance=${instances}`;
    const glue = (await import(glueUrl)) as typeof WasmBindings;
    const bytes = await readFile(wasmPath);
    const { instance } = await wasmApi().instantiate(bytes, {
      './schema_engine_bg.js': glue as unknown as Record<string, unknown>,
    });
    const exports = instance.exports as { __wbindgen_start: () => void };
    glue.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return glue.SchemaEngine as unknown as SchemaEngineClass;
  })();
  return loaded;
}

/** A Rust panic inside the schema engine, with the panic message the wasm module reported. */
export class SchemaEnginePanicError extends Error {
  constructor(readonly panicMessage: string) {
    super(`Prisma schema engine (wasm) panicked: ${panicMessage}`);
    this.name = 'SchemaEnginePanicError';
  }
}

function isWasmTrap(reason: unknown): reason is Error {
  const RuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } })
    .WebAssembly.RuntimeError;
  return reason instanceof RuntimeError;
}

/**
 * Runs engine calls so that a Rust panic becomes a rejected promise instead of a crashed process.
 *
 * The engine drives its futures from `queueMicrotask` callbacks. A panic there traps the wasm inside that
 * callback: the trap surfaces as an *uncaught exception* (which kills Node) and the engine's own promise
 * never settles. While `work` runs we listen for such a trap (and for unhandled rejections, in case a
 * future glue version uses promises), reject `work`'s result with the panic message instead, and discard
 * the module instance, which a trap leaves unusable (the next `loadSchemaEngine` instantiates a fresh
 * one). Anything that is not a wasm trap is re-thrown from the listener, so it still ends the process.
 */
export async function guardEnginePanics<T>(work: () => Promise<T>): Promise<T> {
  let rejectWithPanic!: (error: Error) => void;
  const panicked = new Promise<never>((_, reject) => {
    rejectWithPanic = reject;
  });
  const toPanicError = (trap: Error) => {
    loaded = undefined;
    return new SchemaEnginePanicError(takeEnginePanicMessage() ?? trap.message);
  };
  const onTrap = (reason: unknown) => {
    if (!isWasmTrap(reason)) throw reason;
    rejectWithPanic(toPanicError(reason));
  };
  process.on('uncaughtException', onTrap);
  process.on('unhandledRejection', onTrap);
  try {
    return await Promise.race([
      work().catch((error: unknown) => {
        // A trap thrown synchronously inside an engine call arrives here instead.
        throw isWasmTrap(error) ? toPanicError(error) : error;
      }),
      panicked,
    ]);
  } finally {
    process.removeListener('uncaughtException', onTrap);
    process.removeListener('unhandledRejection', onTrap);
  }
}
