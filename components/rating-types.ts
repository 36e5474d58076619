export type RatingMutationResult = { ok: true } | { ok: false; error: string };
