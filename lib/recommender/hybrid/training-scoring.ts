/**
 * Scoring shortcuts for the hybrid's training passes (validation candidates, exposure) where the catalogue holds many
 * movies nobody has rated yet. Every shortcut writes exactly the scores the base's own `scoreItems` writes, so the
 * learned blends do not change; the served model is untouched (the final bases keep their own adapters).
 */
import type { FittedBase } from './types';
import type { ImplicitAlsModel } from '../algorithms/implicit-als';
import type { Recommender } from '../core/types';

const withFactors = new WeakMap<Float32Array, Int32Array>();

/**
 * Items whose ALS factor row is not all zero, ascending. The ALS solver sets the row of an item without positives to
 * exactly 0 (als-kernel: an empty row is filled with 0), so these are at most the items with positive ratings. O(nItems·k)
 * once per model.
 */
export function itemsWithFactors(model: Pick<ImplicitAlsModel, 'k' | 'nItems' | 'itemFactors'>): Int32Array {
  let items = withFactors.get(model.itemFactors);
  if (items) return items;
  const { k, nItems, itemFactors: Y } = model;
  const list: number[] = [];
  for (let i = 0; i < nItems; i++) {
    for (let f = i * k; f < i * k + k; f++) {
      if (Y[f] !== 0) {
        list.push(i);
        break;
      }
    }
  }
  items = Int32Array.from(list);
  withFactors.set(Y, items);
  return items;
}

/**
 * ALS preference scores xᵤ·yᵢ computed only for the items with a factor row; every other item gets +0, the value the
 * full product gives for a zero row (0 + x·0 is +0 for finite x, and a fitted model's factors are finite).
 * Same arithmetic as implicit-als's scoreUserVector for the others, so the scores are bit-identical.
 * O(nItems + |items with factors|·k).
 */
function scoreAlsItemsWithFactors(model: ImplicitAlsModel, userIdx: number, out: Float32Array): void {
  out.fill(0);
  if (userIdx < 0 || userIdx >= model.nUsers) return;
  const items = itemsWithFactors(model);
  const k = model.k;
  const X = model.userFactors;
  const Y = model.itemFactors;
  const xo = userIdx * k;
  for (let t = 0; t < items.length; t++) {
    const i = items[t];
    const yo = i * k;
    let s = 0;
    for (let f = 0; f < k; f++) s += X[xo + f] * Y[yo + f];
    out[i] = s;
  }
}

/**
 * The bases with training-pass scoring: implicit ALS skips the items without factors (with all catalogue movies as
 * items, most of them at bench shape); other bases are returned as they are.
 */
export function trainingScoringBases(bases: readonly FittedBase[]): FittedBase[] {
  return bases.map((b) => {
    if ((b.model as { kind?: string } | null)?.kind !== 'implicit-als') return b;
    const recommender: Recommender<unknown, unknown> = {
      ...b.recommender,
      scoreItems: (model, _data, userIdx, out) => scoreAlsItemsWithFactors(model as ImplicitAlsModel, userIdx, out),
    };
    return { ...b, recommender };
  });
}
