import 'server-only';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';
import { env, requireDatabaseUrl } from '@/lib/env';

export { Prisma } from './generated/prisma/client';

function createClient(): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: requireDatabaseUrl(), max: env.DB_POOL_MAX }) });
}

// One client per process; dev hot reload would otherwise open a new pool on every edit.
const globalForDb = globalThis as unknown as { reelDb?: PrismaClient };
export const db: PrismaClient = globalForDb.reelDb ?? createClient();
if (env.NODE_ENV !== 'production') globalForDb.reelDb = db;
