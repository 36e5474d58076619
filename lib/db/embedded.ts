import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { serializeExtendedBatches } from './pglite-batches';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `dataDir` (or in memory when null) behind a Postgres wire-protocol socket on a free
 * loopback port. One engine serves every connection, one query at a time, so `maxConnections` must be at
 * least the sum of all pools (Prisma + pg-boss + scripts).
 */
export async function startEmbeddedPostgres(dataDir: string | null, maxConnections = 24): Promise<EmbeddedPostgres> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  serializeExtendedBatches(server);
  await server.start();
  const url = `postgresql://postgres:postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
