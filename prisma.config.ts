import { defineConfig } from 'prisma/config';

// Only the CLI reads this (generate, and migrate deploy where the native engine exists).
// The app and the project's own migrator read DATABASE_URL through lib/env.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/reel' },
});
