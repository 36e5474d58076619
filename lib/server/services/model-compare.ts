import 'server-only';
import { deserializeModel } from '@/lib/recommender/core/serialize';
import {
  createServingScratch,
  scoreUser,
  servedOrder,
  topN,
  trainedOn,
  type ServingModel,
} from '@/lib/recommender/serving';
import type { VersionComparison } from '@/lib/validation/admin-activity';
import { listRatersForComparison } from '../data/activity';
import { listVersions, loadArtifacts } from '../data/models';
import { NotFoundError } from '../errors';

const POOL = 300;

async function loadModel(id: number): Promise<ServingModel> {
  const { meta, blobs } = await loadArtifacts(id);
  return deserializeModel<ServingModel>(meta, blobs);
}

/** A rater's top 10 under `model` (the feed's order without the diversity re-rank), as movie ids. */
function top10(
  model: ServingModel,
  index: Map<number, number>,
  userId: number,
  ratings: { movieId: number; value: number }[],
): number[] {
  const itemIdx: number[] = [];
  const values: number[] = [];
  for (const r of ratings) {
    const i = index.get(r.movieId);
    if (i === undefined) continue;
    itemIdx.push(i);
    values.push(r.value);
  }
  const scores = new Float32Array(model.itemIds.length);
  scoreUser(
    model,
    { itemIdx: Int32Array.from(itemIdx), values: Float32Array.from(values), newMember: !trainedOn(model, userId) },
    scores,
    createServingScratch(model),
  );
  const pool = topN(scores, itemIdx, POOL);
  return servedOrder(model, itemIdx.length, pool)
    .slice(0, 10)
    .map((i) => model.itemIds[i]);
}

/**
 * Two model versions side by side: their stored metrics, and how much the top-10 lists of the same raters (up to
 * 200 recent members) overlap between them (|A ∩ B| / 10 per rater).
 */
export async function compareVersions(aId: number, bId: number): Promise<VersionComparison> {
  const versions = await listVersions(100);
  const a = versions.find((v) => v.id === aId);
  const b = versions.find((v) => v.id === bId);
  if (!a || !b) throw new NotFoundError('Pick two model versions from the list.');
  const [ma, mb] = await Promise.all([loadModel(aId), loadModel(bId)]);
  const ia = new Map<number, number>();
  ma.itemIds.forEach((id, i) => ia.set(id, i));
  const ib = new Map<number, number>();
  mb.itemIds.forEach((id, i) => ib.set(id, i));
  const raters = await listRatersForComparison(200);
  const histogram = new Array<number>(11).fill(0);
  let sum = 0;
  for (const r of raters) {
    const la = new Set(top10(ma, ia, r.userId, r.ratings));
    const overlap = top10(mb, ib, r.userId, r.ratings).filter((id) => la.has(id)).length;
    histogram[overlap]++;
    sum += overlap;
  }
  return {
    a: {
      id: a.id,
      status: a.isActive ? 'ACTIVE' : a.status,
      createdAt: a.createdAt,
      metrics: a.metrics ?? {},
      trigger: a.trigger,
    },
    b: {
      id: b.id,
      status: b.isActive ? 'ACTIVE' : b.status,
      createdAt: b.createdAt,
      metrics: b.metrics ?? {},
      trigger: b.trigger,
    },
    raters: raters.length,
    raterKind: raters[0]?.kind ?? 'MEMBER',
    meanOverlap: raters.length ? sum / raters.length / 10 : 0,
    histogram,
  };
}
