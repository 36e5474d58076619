import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';
import { env, requireDatabaseUrl } from '@/lib/env';

export { Prisma } from './generated/prisma/client';

// One client per process (dev hot reload would otherwise open a new pool on every edit), created on first use so
// `next build` can import this module without a database.
const globalForDb = globalThis as unknown as { reelDb?: PrismaClient };

function client(): PrismaClient {
  globalForDb.reelDb ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: requireDatabaseUrl(), max: env.DB_POOL_MAX }),
  });
  return globalForDb.reelDb;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get: (_target, prop) => {
    const real = client();
    const value = Reflect.get(real, prop, real);
    return typeof value === 'function' ? value.bind(real) : value;
  },
});
