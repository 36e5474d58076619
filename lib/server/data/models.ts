import 'server-only';
import { db, Prisma } from '../db';
import { NotFoundError } from '../errors';
import type { Blob, Dtype } from '@/lib/recommender/core/serialize';
import type { ModelStatus, ModelVersionDto } from '@/lib/validation/admin';

export type { ModelStatus, ModelVersionDto } from '@/lib/validation/admin';

const versionSelect = {
  id: true,
  algorithm: true,
  status: true,
  isActive: true,
  trigger: true,
  phase: true,
  progress: true,
  dataCounts: true,
  metrics: true,
  timings: true,
  reason: true,
  createdAt: true,
  finishedAt: true,
  activatedAt: true,
} satisfies Prisma.ModelVersionSelect;

type VersionRow = Prisma.ModelVersionGetPayload<{ select: typeof versionSelect }>;

function toDto(v: VersionRow): ModelVersionDto {
  return {
    ...v,
    dataCounts: v.dataCounts as Record<string, number> | null,
    metrics: v.metrics as Record<string, number> | null,
    timings: v.timings as Record<string, number> | null,
    createdAt: v.createdAt.toISOString(),
    finishedAt: v.finishedAt?.toISOString() ?? null,
    activatedAt: v.activatedAt?.toISOString() ?? null,
  };
}

export async function createModelVersion(input: { algorithm: string; params: object; trigger: string; jobId?: string }): Promise<number> {
  const v = await db.modelVersion.create({
    data: { algorithm: input.algorithm, params: input.params as Prisma.InputJsonValue, trigger: input.trigger, jobId: input.jobId, status: 'QUEUED' },
    select: { id: true },
  });
  return v.id;
}

export async function markTraining(id: number): Promise<void> {
  await db.modelVersion.update({ where: { id }, data: { status: 'TRAINING', startedAt: new Date(), phase: 'starting', progress: 0 } });
}

export async function setProgress(id: number, phase: string, progress: number): Promise<void> {
  await db.modelVersion.update({ where: { id }, data: { phase, progress } });
}

export async function markFailed(id: number, reason: string): Promise<void> {
  await db.modelVersion.update({ where: { id }, data: { status: 'FAILED', reason: reason.slice(0, 2000), finishedAt: new Date() } });
}

/** Versions left TRAINING by a process that died are failed, so the admin sees it and a retry can run. */
export async function failStaleTraining(reason: string): Promise<number> {
  const stale = await db.modelVersion.findMany({
    where: { status: { in: ['TRAINING', 'QUEUED'] } },
    select: { id: true },
  });
  if (stale.length === 0) return 0;
  const res = await db.modelVersion.updateMany({
    where: { id: { in: stale.map((v) => v.id) }, status: { in: ['TRAINING', 'QUEUED'] } },
    data: { status: 'FAILED', reason, finishedAt: new Date() },
  });
  // The version's log says why it stopped (its lines so far were written while it ran).
  const last = await db.modelVersionLog.groupBy({
    by: ['modelVersionId'],
    where: { modelVersionId: { in: stale.map((v) => v.id) } },
    _max: { seq: true },
  });
  const next = new Map(last.map((l) => [l.modelVersionId, (l._max.seq ?? -1) + 1]));
  await db.modelVersionLog.createMany({
    data: stale.map((v) => ({ modelVersionId: v.id, seq: next.get(v.id) ?? 0, level: 'error', message: reason })),
    skipDuplicates: true,
  });
  return res.count;
}

/** Stores the artifacts and results of a finished training run (the version stays inactive). */
export async function saveTrainedVersion(
  id: number,
  result: { meta: unknown; blobs: Blob[]; metrics: object; timings: object; dataCounts: object },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.modelArtifact.deleteMany({ where: { modelVersionId: id } });
    await tx.modelArtifact.create({
      data: { modelVersionId: id, name: '$meta', dtype: 'json', length: 0, data: new TextEncoder().encode(JSON.stringify(result.meta)) },
    });
    for (const b of result.blobs) {
      await tx.modelArtifact.create({ data: { modelVersionId: id, name: b.name, dtype: b.dtype, length: b.length, data: Uint8Array.from(b.data) } });
    }
    await tx.modelVersion.update({
      where: { id },
      data: {
        status: 'READY',
        metrics: result.metrics as Prisma.InputJsonValue,
        timings: result.timings as Prisma.InputJsonValue,
        dataCounts: result.dataCounts as Prisma.InputJsonValue,
        finishedAt: new Date(),
        phase: 'trained',
        progress: 1,
      },
    });
  }, { timeout: 120_000, maxWait: 30_000 });
}

/** Replaces a version's phase timings (the save phase is only known once the artifacts are written). */
export async function setVersionTimings(id: number, timings: object): Promise<void> {
  await db.modelVersion.update({ where: { id }, data: { timings: timings as Prisma.InputJsonValue } });
}

export async function getActiveVersion(): Promise<ModelVersionDto | null> {
  const v = await db.modelVersion.findFirst({ where: { isActive: true }, select: versionSelect });
  return v && toDto(v);
}

export async function getActiveVersionId(): Promise<number | null> {
  const v = await db.modelVersion.findFirst({ where: { isActive: true }, select: { id: true } });
  return v?.id ?? null;
}

/**
 * Makes `id` the active version in one transaction (the old one becomes READY). This is both the switch after
 * training and the admin's rollback.
 */
export async function activateVersion(id: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const v = await tx.modelVersion.findUnique({ where: { id }, select: { status: true, _count: { select: { artifacts: true } } } });
    if (!v) throw new NotFoundError('That model version does not exist.');
    if (v._count.artifacts === 0 || !['READY', 'ACTIVE', 'REJECTED', 'ARCHIVED'].includes(v.status)) {
      throw new NotFoundError('That model version has no stored model to activate.');
    }
    await tx.modelVersion.updateMany({ where: { isActive: true, id: { not: id } }, data: { isActive: false, status: 'READY' } });
    await tx.modelVersion.update({ where: { id }, data: { isActive: true, status: 'ACTIVE', activatedAt: new Date(), reason: null } });
  });
}

/** A version's status, or null when no such version exists (pruned, or never created). */
export async function getVersionStatus(id: number): Promise<ModelStatus | null> {
  const v = await db.modelVersion.findUnique({ where: { id }, select: { status: true } });
  return v?.status ?? null;
}

export async function rejectVersion(id: number, reason: string): Promise<void> {
  await db.modelVersion.update({ where: { id }, data: { status: 'REJECTED', reason } });
}

/** Keeps the newest `keep` versions with artifacts (plus the active one); older ones lose their artifacts. */
export async function pruneVersions(keep: number): Promise<number> {
  const stored = await db.modelVersion.findMany({
    where: { artifacts: { some: {} } },
    orderBy: { id: 'desc' },
    select: { id: true, isActive: true },
  });
  const drop = stored.filter((v, i) => i >= keep && !v.isActive).map((v) => v.id);
  if (drop.length === 0) return 0;
  await db.$transaction([
    db.modelArtifact.deleteMany({ where: { modelVersionId: { in: drop } } }),
    db.modelVersion.updateMany({ where: { id: { in: drop } }, data: { status: 'ARCHIVED' } }),
  ]);
  return drop.length;
}

export async function listVersions(limit = 30): Promise<ModelVersionDto[]> {
  const rows = await db.modelVersion.findMany({ orderBy: { id: 'desc' }, take: limit, select: versionSelect });
  return rows.map(toDto);
}

export async function loadArtifacts(id: number): Promise<{ meta: unknown; blobs: Blob[] }> {
  const rows = await db.modelArtifact.findMany({ where: { modelVersionId: id } });
  const metaRow = rows.find((r) => r.name === '$meta');
  if (!metaRow) throw new NotFoundError(`Model version ${id} has no stored model.`);
  return {
    meta: JSON.parse(new TextDecoder().decode(metaRow.data)),
    blobs: rows.filter((r) => r.name !== '$meta').map((r) => ({ name: r.name, dtype: r.dtype as Dtype, length: r.length, data: r.data })),
  };
}

/** Rows per snapshot page: bounded memory per round trip (3 arrays of 1M numbers), few round trips. */
const SNAPSHOT_PAGE = 1_000_000;

/**
 * Every rating as typed arrays ordered by (user, movie), read in keyset pages of SNAPSHOT_PAGE rows with one
 * array_agg row per page, so a 25M-row table never becomes one giant result (or 25M row objects).
 */
export async function snapshotRatings(pageSize = SNAPSHOT_PAGE): Promise<{ userIds: Int32Array; movieIds: Int32Array; values: Float32Array }> {
  const [{ n }] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "Rating"`;
  // Rows added while we page are picked up if they sort after the cursor; the arrays grow if needed.
  let cap = Number(n);
  let userIds = new Int32Array(cap);
  let movieIds = new Int32Array(cap);
  let values = new Float32Array(cap);
  let len = 0;
  let after: [number, number] = [-1, -1];
  for (;;) {
    const [page] = await db.$queryRaw<{ u: number[] | null; m: number[] | null; v: number[] | null }[]>`
      SELECT array_agg(u ORDER BY u, m) AS u, array_agg(m ORDER BY u, m) AS m, array_agg(v ORDER BY u, m) AS v
      FROM (SELECT "userId" AS u, "movieId" AS m, value AS v FROM "Rating"
            WHERE ("userId", "movieId") > (${after[0]}, ${after[1]})
            ORDER BY "userId", "movieId" LIMIT ${pageSize}) AS page`;
    const count = page?.u?.length ?? 0;
    if (count === 0) break;
    if (len + count > cap) {
      cap = Math.max(len + count, Math.ceil(cap * 1.25));
      userIds = grow(userIds, cap);
      movieIds = grow(movieIds, cap);
      values = grow(values, cap);
    }
    userIds.set(page.u!, len);
    movieIds.set(page.m!, len);
    values.set(page.v!, len);
    len += count;
    after = [page.u![count - 1], page.m![count - 1]];
    if (count < pageSize) break;
  }
  return { userIds: userIds.subarray(0, len), movieIds: movieIds.subarray(0, len), values: values.subarray(0, len) };
}

/**
 * (user, movie, last-change time in unix seconds) of every rating, ordered by (user, movie) and read in keyset pages
 * like `snapshotRatings`, so memory stays bounded at ML-25M scale. Feeds the hybrid's temporal validation split and
 * its time features; the rows carry their own keys, so a rating written between this read and `snapshotRatings`
 * cannot shift them.
 */
export async function snapshotRatingTimes(
  pageSize = SNAPSHOT_PAGE,
): Promise<{ userIds: Int32Array; movieIds: Int32Array; timestamps: Float64Array }> {
  const us: Int32Array[] = [];
  const ms: Int32Array[] = [];
  const ts: Float64Array[] = [];
  let after: [number, number] = [-1, -1];
  for (;;) {
    const [page] = await db.$queryRaw<{ u: number[] | null; m: number[] | null; t: number[] | null }[]>`
      SELECT array_agg(u ORDER BY u, m) AS u, array_agg(m ORDER BY u, m) AS m, array_agg(t ORDER BY u, m) AS t
      FROM (SELECT "userId" AS u, "movieId" AS m, extract(epoch FROM "updatedAt")::float8 AS t FROM "Rating"
            WHERE ("userId", "movieId") > (${after[0]}, ${after[1]})
            ORDER BY "userId", "movieId" LIMIT ${pageSize}) AS page`;
    const count = page?.u?.length ?? 0;
    if (count === 0) break;
    us.push(Int32Array.from(page.u!));
    ms.push(Int32Array.from(page.m!));
    ts.push(Float64Array.from(page.t!));
    after = [page.u![count - 1], page.m![count - 1]];
    if (count < pageSize) break;
  }
  return {
    userIds: concat(us, (n) => new Int32Array(n)),
    movieIds: concat(ms, (n) => new Int32Array(n)),
    timestamps: concat(ts, (n) => new Float64Array(n)),
  };
}

function concat<T extends Int32Array | Float64Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function grow<T extends Int32Array | Float32Array>(a: T, cap: number): T {
  const out = new (a.constructor as new (n: number) => T)(cap);
  out.set(a);
  return out;
}

/**
 * Implicit feedback for the nightly training (issue #23), one row per (member, movie) that has a watch, a like or a
 * watchlist entry, ordered by (user, movie) like `snapshotRatings`, as parallel typed arrays:
 * - `watches`: number of logged viewings (0 = none); `liked`, `watchlisted`: 0/1;
 * - `rated`: 1 when the pair also has an explicit rating in the ratings snapshot (so a trainer can tell a bare watch
 *   or like from one that already carries a value);
 * - `lastAt`: unix seconds of the latest of those events (watch logged, like, watchlist add).
 * Dismissals are not in it: they stay hard exclusions. The engine does not read it yet (TODO(#23): confidence
 * weights per signal in ALS/EASE/RP3beta and ranker features); recomputeModel records its counts in dataCounts.
 */
export interface ImplicitFeedbackSnapshot {
  userIds: Int32Array;
  movieIds: Int32Array;
  watches: Int32Array;
  liked: Uint8Array;
  watchlisted: Uint8Array;
  rated: Uint8Array;
  lastAt: Float64Array;
}

export async function snapshotImplicitFeedback(): Promise<ImplicitFeedbackSnapshot> {
  // Member-made rows only (MovieLens imports have none), so one round trip of array_agg is enough at any catalogue size.
  const [row] = await db.$queryRaw<
    { u: number[] | null; m: number[] | null; w: number[] | null; l: boolean[] | null; wl: boolean[] | null; r: boolean[] | null; t: number[] | null }[]
  >`
    WITH w AS (SELECT "userId" AS u, "movieId" AS m, count(*)::int AS n, max("createdAt") AS t FROM "Watch" GROUP BY 1, 2),
         l AS (SELECT "userId" AS u, "movieId" AS m, "createdAt" AS t FROM "Like"),
         wl AS (SELECT "userId" AS u, "movieId" AS m, "createdAt" AS t FROM "WatchlistItem"),
         pairs AS (
           SELECT coalesce(w.u, l.u, wl.u) AS u, coalesce(w.m, l.m, wl.m) AS m, coalesce(w.n, 0) AS n,
                  l.u IS NOT NULL AS liked, wl.u IS NOT NULL AS listed,
                  greatest(w.t, l.t, wl.t) AS t
           FROM w FULL JOIN l ON l.u = w.u AND l.m = w.m
                  FULL JOIN wl ON wl.u = coalesce(w.u, l.u) AND wl.m = coalesce(w.m, l.m))
    SELECT array_agg(p.u ORDER BY p.u, p.m) AS u, array_agg(p.m ORDER BY p.u, p.m) AS m, array_agg(p.n ORDER BY p.u, p.m) AS w,
           array_agg(p.liked ORDER BY p.u, p.m) AS l, array_agg(p.listed ORDER BY p.u, p.m) AS wl,
           array_agg(r."userId" IS NOT NULL ORDER BY p.u, p.m) AS r,
           array_agg(extract(epoch FROM p.t)::float8 ORDER BY p.u, p.m) AS t
    FROM pairs p LEFT JOIN "Rating" r ON r."userId" = p.u AND r."movieId" = p.m`;
  const flags = (a: boolean[] | null) => Uint8Array.from(a ?? [], (b) => (b ? 1 : 0));
  return {
    userIds: Int32Array.from(row?.u ?? []),
    movieIds: Int32Array.from(row?.m ?? []),
    watches: Int32Array.from(row?.w ?? []),
    liked: flags(row?.l ?? null),
    watchlisted: flags(row?.wl ?? null),
    rated: flags(row?.r ?? null),
    lastAt: Float64Array.from(row?.t ?? []),
  };
}

/** Counts of an implicit snapshot for a model version's dataCounts. */
export function implicitCounts(s: ImplicitFeedbackSnapshot): { watchedPairs: number; likes: number; watchlisted: number; bareWatches: number; bareLikes: number } {
  let watchedPairs = 0, likes = 0, watchlisted = 0, bareWatches = 0, bareLikes = 0;
  for (let i = 0; i < s.userIds.length; i++) {
    if (s.watches[i] > 0) watchedPairs++;
    if (s.liked[i]) likes++;
    if (s.watchlisted[i]) watchlisted++;
    if (s.watches[i] > 0 && !s.rated[i] && !s.liked[i]) bareWatches++;
    if (s.liked[i] && !s.rated[i]) bareLikes++;
  }
  return { watchedPairs, likes, watchlisted, bareWatches, bareLikes };
}
