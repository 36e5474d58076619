/**
 * Rating predictions for members the model was never trained on (validation only: the ml-latest-small rating
 * split's TRAIN file; the test file is not read). A seeded sample of members is left out of the fit entirely; the
 * served hybrid is trained on everyone else; each left-out member is then folded in from their first k ratings (by
 * time), as a new member of the app would be, and their other ratings are predicted. RMSE per k for:
 *   served     predictRating as the app serves a member the model was trained on (no newMember flag);
 *   newMember  predictRating for a member flagged as not trained on (the app's case here);
 *   unbounded  the same without the support-term bound (ratingSupportMinUser) and with the blend below the cold
 *              threshold too (the code before session 5);
 *   biases     the biases base alone (μ + b_i + folded-in b_u);
 *   itemMean   the item's mean rating shrunk to the global mean (10 pseudo-ratings).
 *
 *   npx tsx scripts/eval/new-members.ts [--members 100] [--ks 1,3,5,8,10,20,30,40,50,70,100] [--no-save]
 *
 * One JSON document on stdout (logs on stderr), also saved under results/eval/.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRatingsFile } from '../../lib/recommender/io/ratings-file';
import { createRng } from '../../lib/recommender/core/rng';
import {
  biasesPrediction,
  DEFAULT_SERVING,
  predictRating,
  ratingContext,
  trainServingModelSync,
  type ServingModel,
  type UserRatings,
} from '../../lib/recommender/serving';
import { buildRatingMatrix } from '../../lib/recommender/core/sparse';
import { BENCH_DIR, catalogueDocs, finishResult, logger } from './common';

const log = logger('new-members');

function main(): void {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '100' },
      ks: { type: 'string', default: '1,3,5,8,10,20,30,40,50,70,100' },
      'no-save': { type: 'boolean', default: false },
    },
  });
  const started = new Date();
  const rows = loadRatingsFile(join(BENCH_DIR, 'splits', 'ml-latest-small', 'rating', 'train.csv'));
  const users = [...new Set(rows.userIds)].sort((a, b) => a - b);
  const rng = createRng(2026);
  const members = new Set<number>();
  while (members.size < Math.min(Number(values.members), users.length)) members.add(users[rng.int(users.length)]);
  const fit = Array.from({ length: rows.userIds.length }, (_, r) => r).filter((r) => !members.has(rows.userIds[r]));
  const fitRows = {
    userIds: Int32Array.from(fit, (r) => rows.userIds[r]),
    movieIds: Int32Array.from(fit, (r) => rows.movieIds[r]),
    ratings: Float32Array.from(fit, (r) => rows.ratings[r]),
    timestamps: Float64Array.from(fit, (r) => rows.timestamps[r]),
  };
  const data = buildRatingMatrix(
    { userIds: fitRows.userIds, itemIds: fitRows.movieIds, ratings: fitRows.ratings },
    { scale: [0.5, 5] },
  );
  const { docs } = catalogueDocs();
  const { model } = trainServingModelSync(data, docs, {
    ...DEFAULT_SERVING,
    timeRows: fitRows,
    tasks: ['rating'],
    log,
  });
  // The code before session 5: no support bound, and the blend for every member.
  const { ratingSupportMinUser: _bound, ...rest } = model;
  const unbounded: ServingModel = { ...rest, coldUserThreshold: -1 };
  const itemMean = new Float64Array(data.items.size);
  for (let i = 0; i < data.items.size; i++) {
    let s = 0;
    const a = data.byItem.indptr[i];
    const b = data.byItem.indptr[i + 1];
    for (let p = a; p < b; p++) s += data.byItem.values[p];
    itemMean[i] = (s + 10 * data.globalMean) / (b - a + 10);
  }
  const byMember = new Map<number, number[]>();
  for (let r = 0; r < rows.userIds.length; r++) {
    if (!members.has(rows.userIds[r])) continue;
    const l = byMember.get(rows.userIds[r]) ?? [];
    l.push(r);
    byMember.set(rows.userIds[r], l);
  }
  for (const l of byMember.values()) l.sort((a, b) => rows.timestamps[a] - rows.timestamps[b] || a - b);
  const clip = (v: number) => Math.min(5, Math.max(0.5, v));
  const table = values
    .ks!.split(',')
    .map(Number)
    .map((k) => {
      const se = { served: 0, newMember: 0, unbounded: 0, biases: 0, itemMean: 0 };
      let n = 0;
      for (const l of byMember.values()) {
        const known = l.slice(0, k).filter((r) => data.items.index(rows.movieIds[r]) !== undefined);
        const user: UserRatings = {
          itemIdx: Int32Array.from(known, (r) => data.items.index(rows.movieIds[r])!),
          values: Float32Array.from(known, (r) => rows.ratings[r]),
        };
        const ctx = ratingContext(model, user);
        const ctxNew = ratingContext(model, { ...user, newMember: true });
        const ctxOld = ratingContext(unbounded, user);
        for (const r of l.slice(k)) {
          const i = data.items.index(rows.movieIds[r]);
          if (i === undefined) continue;
          const y = rows.ratings[r];
          se.served += (predictRating(model, ctx, i) - y) ** 2;
          se.newMember += (predictRating(model, ctxNew, i) - y) ** 2;
          se.unbounded += (predictRating(unbounded, ctxOld, i) - y) ** 2;
          se.biases += (clip(biasesPrediction(model, ctx, i)) - y) ** 2;
          se.itemMean += (itemMean[i] - y) ** 2;
          n++;
        }
      }
      const rmse = Object.fromEntries(Object.entries(se).map(([key, v]) => [key, Math.sqrt(v / n)]));
      log(
        `k=${k}: ${n} rows, ${Object.entries(rmse)
          .map(([key, v]) => `${key} ${v.toFixed(4)}`)
          .join(', ')}`,
      );
      return { k, rows: n, rmse };
    });
  const doc: Record<string, unknown> = {
    dataset: 'ml-latest-small',
    split: 'rating train (validation only: members left out of the fit)',
    members: byMember.size,
    ratingSupportMinUser: model.ratingSupportMinUser ?? null,
    coldUserThreshold: model.coldUserThreshold,
    table,
  };
  finishResult(
    doc,
    started,
    join('results', 'eval'),
    'ml-latest-small-rating-validation-new-members-hybrid',
    !values['no-save'],
    log,
  );
}

main();
