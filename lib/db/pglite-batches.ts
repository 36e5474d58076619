import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** One frontend message waiting in pglite-socket's query queue (its internal shape, version 0.2.x). */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
  onData: (data: Uint8Array) => void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Extended-protocol messages that leave a batch open until the client's Sync: Parse, Bind, Describe, Execute, Close, Flush. */
const OPENS_BATCH = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * Makes pglite-socket run each connection's extended-protocol batch (Parse … Sync) without another connection's
 * messages in between. Its queue runs one message at a time and keeps a connection's turn only inside a
 * transaction, but the unnamed prepared statement lives from Parse to the batch's end: when a large Bind reaches the
 * server in several TCP chunks, another connection's Parse or simple query lands in the gap and the first one
 * fails ("unnamed prepared statement does not exist", "bind message supplies 2 parameters …") or reads the other's
 * rows. Upstream: electric-sql/pglite issue #1046 / pull request #977, open at the time of writing; drop this once a
 * release fixes it (the test in embedded.test.ts fails without the fix). Also keeps the queue running after a failed
 * message instead of leaving it stuck. COPY … FROM STDIN is not covered (nothing runs it on the embedded database).
 */
export function serializeExtendedBatches(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!q || !Array.isArray(q.queue) || typeof q.processQueue !== 'function') {
    throw new Error('pglite-socket internals changed: update lib/db/pglite-batches.ts');
  }
  let pinned: number | null = null;
  q.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        // The connection with an open batch (or an open transaction) keeps its turn; others wait.
        const owner = pinned ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const at = owner === null ? 0 : this.queue.findIndex((m) => m.handlerId === owner);
        if (at === -1) break; // its next message is still on the wire; enqueue() restarts the queue
        const [item] = this.queue.splice(at, 1);
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          pinned = null;
          item.reject(err);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        pinned = OPENS_BATCH.has(item.message[0]) ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (pinned === handlerId) {
      pinned = null;
      void q.processQueue();
    }
  };
}
