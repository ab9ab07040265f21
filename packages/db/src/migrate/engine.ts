import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg';

/** The engine class as the wasm-bindgen glue exports it (its `new` is the async factory). */
export type SchemaEngineClass = typeof SchemaEngine;

let loaded: Promise<SchemaEngineClass> | undefined;

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
 * no child process. Cached per process: the 5 MB module is compiled once.
 */
export function loadSchemaEngine(): Promise<SchemaEngineClass> {
  loaded ??= (async () => {
    installPanicRegistry();
    const require = createRequire(import.meta.url);
    // The package's `exports` map hides the .wasm file itself; it sits next to the glue.
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = gluePath.replace(/\.js$/, '.wasm');
    const bytes = await readFile(wasmPath);
    const { instance } = await wasmApi().instantiate(bytes, {
      './schema_engine_bg.js': wasmBindings as unknown as Record<string, unknown>,
    });
    const exports = instance.exports as { __wbindgen_start: () => void };
    wasmBindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return wasmBindings.SchemaEngine as unknown as SchemaEngineClass;
  })();
  return loaded;
}
