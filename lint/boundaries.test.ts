// The import boundaries fail lint: each case lints a small file through the project's real eslint.config.js (so a
// later config block that silently overrides a rule for these paths makes this test fail, not just a review).
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

/** Rule ids of the errors `code` gets at `filePath` (the file need not exist). */
async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

const PRISMA_RULE = /^(no-restricted-imports|reel\/no-restricted-dynamic-imports): .*Only lib\/server\/data/;
const CLIENT_RULE = /^reel\/no-server-imports-in-client: /;

describe('only lib/server/data touches Prisma', () => {
  it.each([
    ['lib/server/services/example.ts', "import { db } from '../db';\nexport const n = () => db.movie.count();\n"],
    [
      'lib/server/jobs/example.ts',
      "import type { Prisma } from '@/lib/server/db';\nexport type X = Prisma.MovieSelect;\n",
    ],
    ['app/api/example/route.ts', "import { db } from '@/lib/server/db';\nexport const n = () => db.movie.count();\n"],
    ['scripts/example.ts', "const { db } = await import('../lib/server/db');\nawait db.$disconnect();\n"],
    ['lib/server/services/example.ts', "export const load = () => import('../db');\n"],
    [
      'lib/server/services/example.ts',
      "import { PrismaClient } from '../generated/prisma/client';\nexport const c = PrismaClient;\n",
    ],
    ['app/example/page.tsx', "import { PrismaClient } from '@prisma/client';\nexport const c = PrismaClient;\n"],
    ['lib/server/services/example.ts', "import pg from 'pg';\nexport const c = pg.Client;\n"],
  ])('refuses a database import in %s', async (file, code) => {
    const found = await errors(file, code);
    expect(
      found.some((m) => PRISMA_RULE.test(m)),
      found.join('\n'),
    ).toBe(true);
  });

  it.each([
    [
      'lib/server/data/example.ts',
      "import { db, Prisma } from '../db';\nexport const n = (w: Prisma.MovieWhereInput) => db.movie.count({ where: w });\n",
    ],
    [
      'lib/server/services/example.ts',
      "import { getMovieCards } from '../data/movies';\nexport const cards = () => getMovieCards([1]);\n",
    ],
    [
      'scripts/example.ts',
      "const { disconnectDatabase } = await import('../lib/server/data/connection');\nawait disconnectDatabase();\n",
    ],
    ['lib/server/services/example.ts', "import { migrate } from '../../db/migrate';\nexport const m = migrate;\n"],
  ])('allows %s its imports', async (file, code) => {
    expect(await errors(file, code)).toEqual([]);
  });
});

describe('client components never import lib/server', () => {
  it.each([
    ["'use client';\nimport type { FeedPage } from '@/lib/server/services/for-you';\nexport type P = FeedPage;\n"],
    ["'use client';\nimport { getMovieCards } from '@/lib/server/data/movies';\nexport const f = getMovieCards;\n"],
    ["'use client';\nexport type { AdminStatus } from '@/lib/server/services/admin-status';\n"],
    ["'use client';\nexport const load = () => import('@/lib/server/data/movies');\n"],
    [
      "'use client';\nimport type { SessionUser } from '../../../lib/server/data/users';\nexport type U = SessionUser;\n",
    ],
  ])('refuses a lib/server import (types too) in a use-client file: %#', async (code) => {
    const found = await errors('app/example/widget.tsx', code);
    expect(
      found.some((m) => CLIENT_RULE.test(m)),
      found.join('\n'),
    ).toBe(true);
  });

  it('refuses lib/server in components/ even without the directive', async () => {
    const found = await errors(
      'components/example.tsx',
      "import type { MovieCard } from '@/lib/server/data/movies';\nexport type M = MovieCard;\n",
    );
    expect(
      found.some((m) => CLIENT_RULE.test(m)),
      found.join('\n'),
    ).toBe(true);
  });

  it('allows client-safe modules and server actions in a use-client file, and lib/server in a server component', async () => {
    const client =
      "'use client';\nimport type { FeedPage } from '@/lib/validation/feed';\nimport { feedKeys } from '@/lib/queries/keys';\n" +
      "import { retrainAction } from './actions';\nexport const x: [FeedPage | null, unknown, unknown] = [null, feedKeys, retrainAction];\n";
    expect(await errors('app/example/widget.tsx', client)).toEqual([]);
    const server = "import { getMovieCards } from '@/lib/server/data/movies';\nexport const f = getMovieCards;\n";
    expect(await errors('app/example/page.tsx', server)).toEqual([]);
  });
});
