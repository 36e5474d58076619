import 'server-only';
import { deserializeModel } from '@/lib/recommender/core/serialize';
import { warmServing, type ServingModel } from '@/lib/recommender/serving';
import { getActiveVersionId, loadArtifacts } from '../data/models';

export interface LoadedModel {
  versionId: number;
  model: ServingModel;
  /** movieId → itemIdx. */
  itemIndex: Map<number, number>;
  loadedAt: number;
  loadSeconds: number;
}

const CHECK_EVERY_MS = 5_000;
const globalForModel = globalThis as unknown as {
  reelModel?: { current: LoadedModel | null; checkedAt: number; loading: Promise<LoadedModel | null> | null };
};
const state = (globalForModel.reelModel ??= { current: null, checkedAt: 0, loading: null });

async function load(versionId: number): Promise<LoadedModel> {
  const t = performance.now();
  const { meta, blobs } = await loadArtifacts(versionId);
  const model = deserializeModel<ServingModel>(meta, blobs);
  const itemIndex = new Map<number, number>();
  model.itemIds.forEach((id, idx) => itemIndex.set(id, idx));
  warmServing(model);
  return { versionId, model, itemIndex, loadedAt: Date.now(), loadSeconds: (performance.now() - t) / 1000 };
}

/**
 * The active model version, loaded once per process and swapped when another version becomes active (checked at
 * most every 5 s, so every app instance follows a rollback or a new model within seconds). Null until a model exists.
 */
export async function getServingModel(): Promise<LoadedModel | null> {
  const now = Date.now();
  if (state.current && now - state.checkedAt < CHECK_EVERY_MS) return state.current;
  state.loading ??= (async () => {
    try {
      const activeId = await getActiveVersionId();
      state.checkedAt = Date.now();
      if (activeId === null) return (state.current = null);
      if (state.current?.versionId !== activeId) state.current = await load(activeId);
      return state.current;
    } finally {
      state.loading = null;
    }
  })();
  return state.loading;
}
