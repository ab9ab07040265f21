/**
 * Makes pglite-socket safe for several client connections.
 *
 * PGlite is ONE backend session. pglite-socket (0.2.17) queues each client's protocol messages one message at a
 * time, so when a query's Parse/Bind/Execute arrive in separate socket reads (large parameters do that), another
 * connection's Parse can run in between and replace the unnamed prepared statement: the first query then binds
 * the wrong statement ("bind message supplies 2 parameters, but prepared statement "" requires 3") or gets another
 * query's result. Reproduced by test/embedded-concurrency.test.ts.
 *
 * Fix: hold each connection's extended-protocol messages back until the message that ends the exchange (Sync,
 * Flush, a simple Query, Terminate, or a startup/copy message), then hand the whole group to PGlite as one unit,
 * so no other connection can run inside it. pglite-socket already keeps a connection's groups together while
 * that connection holds a transaction open.
 */

/** Message types after which the client waits for the server: the group ends there. */
const GROUP_END = new Set([
  0x53, // 'S' Sync
  0x48, // 'H' Flush
  0x51, // 'Q' simple Query
  0x58, // 'X' Terminate
  0x64, // 'd' CopyData
  0x63, // 'c' CopyDone
  0x66, // 'f' CopyFail
]);

const STARTUP_PROTOCOL = 196608;

type OnData = (bytes: Uint8Array) => void;
interface QueryQueue {
  enqueue(handlerId: number, message: Uint8Array, onData: OnData): Promise<number>;
  clearQueueForHandler(handlerId: number): void;
}

function isStartupMessage(message: Uint8Array): boolean {
  if (message.length < 8) return false;
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  return view.getInt32(0) === message.length && view.getInt32(4) === STARTUP_PROTOCOL;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Patches a started-or-not PGLiteSocketServer's query queue to run each connection's message groups whole. */
export function batchProtocolMessages(server: object): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || typeof queue.enqueue !== 'function') {
    throw new Error('pglite-socket internals changed: no queryQueue.enqueue to make connection-safe');
  }
  const enqueue = queue.enqueue.bind(queue);
  const clear = queue.clearQueueForHandler.bind(queue);
  const held = new Map<number, Uint8Array[]>();
  queue.enqueue = (handlerId, message, onData) => {
    const pending = held.get(handlerId) ?? [];
    if (!isStartupMessage(message) && !GROUP_END.has(message[0])) {
      // Answers to held messages (ParseComplete, BindComplete, ...) come back with the group.
      pending.push(message);
      held.set(handlerId, pending);
      return Promise.resolve(0);
    }
    held.delete(handlerId);
    return enqueue(handlerId, pending.length === 0 ? message : concat([...pending, message]), onData);
  };
  queue.clearQueueForHandler = (handlerId) => {
    held.delete(handlerId);
    clear(handlerId);
  };
}
