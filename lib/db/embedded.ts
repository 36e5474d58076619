import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
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
  // Search (trigram similarity, accent folding) needs these; the migration that creates them runs on both databases.
  const extensions = { pg_trgm, unaccent };
  const db = dataDir ? await PGlite.create(dataDir, { extensions }) : await PGlite.create({ extensions });
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
