import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The engine's import rules live in eslint.config.js; these cases prove a wrong import fails `npm run lint`.
const eslint = new ESLint({ cwd: process.cwd() });

async function errors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('engine layering (eslint.config.js)', () => {
  it('rejects an import that points up the layers', async () => {
    const found = await errors(
      'lib/recommender/core/proof.ts',
      "import { scoreUser } from '../serving';\nexport const x = scoreUser;\n",
    );
    expect(found).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*core imports no other wing/)]);
    const hybrid = await errors(
      'lib/recommender/algorithms/proof.ts',
      "import { fitHybrid } from '../hybrid/fit';\nexport const x = fitHybrid;\n",
    );
    expect(hybrid).toEqual([expect.stringMatching(/algorithms may import only core, kernels/)]);
  }, 60_000);

  it('accepts imports that point down', async () => {
    const code =
      "import { createRng } from '../core/rng';\nimport { runCg } from '../kernels/als-kernel';\nexport const x = [createRng, runCg];\n";
    expect(await errors('lib/recommender/algorithms/proof.ts', code)).toEqual([]);
  }, 60_000);

  it('keeps io on core only and the app out of the engine', async () => {
    expect(
      await errors(
        'lib/recommender/io/proof.ts',
        "import { fitEase } from '../algorithms/ease';\nexport const x = fitEase;\n",
      ),
    ).toHaveLength(1);
    const app = await errors(
      'lib/recommender/serving/proof.ts',
      "import { db } from '@/lib/server/db';\nimport { useState } from 'react';\nexport const x = [db, useState];\n",
    );
    expect(app.some((m) => m.startsWith('no-restricted-imports') && m.includes('pure TypeScript'))).toBe(true);
    expect(app.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(2);
  }, 60_000);

  it('lets only tests import testing/', async () => {
    const code =
      "import { genreWorld } from '@/lib/recommender/testing/hybrid-test-data';\nexport const x = genreWorld;\n";
    expect(await errors('lib/server/services/proof.ts', code)).toEqual([
      expect.stringMatching(/Only tests import lib\/recommender\/testing/),
    ]);
    expect(
      await errors('lib/recommender/serving/proof.ts', code.replace('@/lib/recommender/testing', '../testing')),
    ).toHaveLength(1);
    expect(
      await errors('lib/recommender/serving/proof.test.ts', code.replace('@/lib/recommender/testing', '../testing')),
    ).toEqual([]);
  }, 60_000);
});
