import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Backends in the order we prefer them: native GPU, native CPU, WebAssembly (SIMD), plain JS. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * Native bindings are optional dependencies that usually fail to install (their install script downloads
 * libtensorflow), and a present-but-unbuilt package throws on import — so every attempt is a try/catch.
 * The module names are held in variables so TypeScript does not require their type declarations.
 */
async function tryActivate(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      const moduleName = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      await import(moduleName);
      return await tf.setBackend('tensorflow');
    }
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the backend cannot locate its .wasm binaries by URL: point it at the package's dist folder.
      const require = createRequire(import.meta.url);
      const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      wasm.setWasmPaths(`${dirname(wasmFile)}/`);
      // Threaded wasm needs a worker script path that Node cannot provide (ERR_WORKER_PATH): stay single-threaded.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      return await tf.setBackend('wasm');
    }
    return await tf.setBackend('cpu');
  } catch {
    return false;
  }
}

/**
 * Activates the fastest available TensorFlow.js backend (tfjs-node-gpu → tfjs-node → wasm → cpu, or only the
 * requested one) and returns the name actually chosen, which the run records. Throws when an explicitly
 * requested backend is unavailable, so a benchmark never silently runs on the wrong one.
 */
export async function selectBackend(preference: BackendPreference = 'auto'): Promise<BackendName> {
  const candidates = preference === 'auto' ? AUTO_ORDER : [preference];
  for (const name of candidates) {
    if (await tryActivate(name)) {
      await tf.ready();
      return name;
    }
  }
  throw new Error(`TensorFlow.js backend '${preference}' is not available on this machine`);
}
