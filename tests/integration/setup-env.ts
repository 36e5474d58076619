// Runs before each integration test file, before any lib/server module is imported: lib/env.ts parses
// process.env once, at import.
import { resolve } from 'node:path';
import { inject } from 'vitest';

process.env.DATABASE_URL = inject('databaseUrl');
process.env.DATA_DIR = resolve('tests', 'fixtures', 'data');
process.env.NEXTAUTH_SECRET ??= 'integration-test-secret-0123456789abcdef';
process.env.DB_POOL_MAX = '4';
