import 'server-only';
import { buildCatalogueIndex, matchRow, type CatalogueIndex } from '@/lib/import/match';
import { ImportFileError, parseHistoryFile } from '@/lib/import/parsers';
import type {
  ConfirmImportInput,
  ConfirmOutcome,
  ImportSummary,
  PreviewPayload,
  PreviewRow,
} from '@/lib/import/preview-types';
import { env } from '@/lib/env';
import { MAX_UPLOAD_BYTES } from '@/lib/import/types';
import { checkWatchDate } from '@/lib/validation/history';
import {
  applyMemberImport,
  catalogueStamp,
  createMemberImport,
  getMemberHoldings,
  getMemberImport,
  getMemberImportHead,
  getRunningImportJob,
  queueImportJob,
  listCatalogueForMatching,
  type ImportPlan,
} from '../data/member-imports';
import { AppError, ConflictError } from '../errors';
import { getWorkerStatus } from '../data/worker-heartbeat';
import { sendImportJob } from '../jobs/member-import-queue';
import { displayTitle } from '@/lib/titles/display-title';

// The matcher's index of the whole catalogue, rebuilt only when the catalogue changes (≈ 0.1 s for 60k movies).
const shared = globalThis as unknown as { reelMatchIndex?: { stamp: string; index: Promise<CatalogueIndex> } };

async function catalogueIndex(): Promise<CatalogueIndex> {
  const stamp = await catalogueStamp();
  if (shared.reelMatchIndex?.stamp !== stamp) {
    const index = listCatalogueForMatching().then(buildCatalogueIndex);
    shared.reelMatchIndex = { stamp, index };
    index.catch(() => (shared.reelMatchIndex = undefined));
  }
  return shared.reelMatchIndex!.index;
}

/**
 * Builds the matcher's index in the background (the server a few seconds after it starts, and the import page on
 * render), so the member's first preview does not wait for it. A failure is logged; the preview then builds the index itself and reports any error.
 */
export function warmCatalogueIndex(): Promise<void> {
  return catalogueIndex().then(
    () => undefined,
    (err: unknown) => console.error('Warming the import matcher failed', err),
  );
}

/**
 * Reads an uploaded export, matches every film and records the preview (nothing of the member's changes yet).
 * Returns the preview's id. A file that cannot be imported is an AppError with what to do about it.
 */
export async function previewHistoryImport(userId: number, fileName: string, bytes: Uint8Array): Promise<number> {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    throw new AppError(
      'INVALID',
      `That file is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Upload the CSV files you need one by one.`,
    );
  }
  if (bytes.byteLength === 0) throw new AppError('INVALID', 'That file is empty.');
  let parsed;
  try {
    parsed = parseHistoryFile(fileName, bytes);
  } catch (err) {
    if (err instanceof ImportFileError) throw new AppError('INVALID', err.message, { cause: err });
    throw err;
  }
  const [index, holdings] = await Promise.all([catalogueIndex(), getMemberHoldings(userId)]);
  const movies: PreviewPayload['movies'] = {};
  const remember = (id: number) => {
    const m = index.byId.get(id);
    if (m) movies[id] = { id, title: displayTitle(m.title), year: m.year };
  };
  const cache = new Map<string, ReturnType<typeof matchRow>>();
  const rows: PreviewRow[] = parsed.rows.map((r, i) => {
    const key = `${r.movieId ?? ''}|${r.imdbId ?? ''}|${r.tmdbId ?? ''}|${r.title}|${r.year ?? ''}`;
    let m = cache.get(key);
    if (!m) cache.set(key, (m = matchRow(r, index)));
    const row: PreviewRow = {
      i,
      file: r.file,
      line: r.line,
      kind: r.kind,
      title: r.title,
      year: r.year,
      ...(r.rating !== undefined ? { rating: r.rating } : {}),
      ...(r.date ? { date: r.date } : {}),
      ...(r.rewatch ? { rewatch: true } : {}),
      ...(r.list !== undefined ? { list: r.list, position: r.position } : {}),
      ...(r.note ? { note: r.note } : {}),
      match: m.status,
    };
    if (m.status === 'matched') {
      row.movieId = m.movieId;
      remember(m.movieId);
      if (r.kind === 'rating') {
        const have = holdings.ratings.get(m.movieId);
        row.existing = have;
        row.state = have === undefined ? 'new' : have === r.rating ? 'same' : 'conflict';
      } else if (r.kind === 'watchlist') {
        row.state = holdings.watchlist.has(m.movieId) ? 'same' : 'new';
      }
    } else if (m.status === 'ambiguous') {
      row.candidates = m.candidates;
      m.candidates.forEach(remember);
      if (r.kind === 'rating') row.state = 'new';
    }
    return row;
  });
  const payload: PreviewPayload = {
    source: parsed.source,
    lists: parsed.lists.map((l) => ({ ...l, exists: holdings.listNames.has(l.name) })),
    rows,
    malformed: parsed.malformed,
    warnings: parsed.warnings,
    movies,
  };
  return createMemberImport(userId, { source: parsed.source, fileName: fileName.slice(0, 200), payload });
}

const today = (now: Date) => now.toISOString().slice(0, 10);
/** UTC+14, the earliest "today" on Earth: a diary date up to then is nobody's future (the Watch CHECK allows UTC + 1 day). */
const LATEST_ZONE = 'Etc/GMT-14';

const at = (date: string | undefined, now: Date) => (date ? new Date(`${date}T00:00:00Z`) : now);

/** The writes the member's choices make from a preview: picks settle ambiguous rows, conflicts follow keep/replace. */
export function planImport(
  payload: PreviewPayload,
  choices: Omit<ConfirmImportInput, 'importId'>,
  now = new Date(),
): ImportPlan {
  const chosen = (row: PreviewRow): number | undefined => {
    if (row.match === 'matched') return row.movieId;
    if (row.match === 'ambiguous') {
      const pick = choices.picks[String(row.i)];
      return pick !== undefined && row.candidates?.includes(pick) ? pick : undefined;
    }
    return undefined;
  };
  let skipped = 0;
  const ratings = new Map<number, { movieId: number; value: number; at: Date; date: string }>();
  const replace = new Set<number>();
  const watchlist = new Map<number, { movieId: number; at: Date }>();
  const watches = new Map<string, ImportPlan['watches'][number]>();
  const likes = new Map<number, ImportPlan['likes'][number]>();
  let watchesOutOfRange = 0;
  const listItems = payload.lists.map(() => [] as { movieId: number; note: string | null; position: number }[]);
  for (const row of payload.rows) {
    const movieId = chosen(row);
    if (movieId === undefined) {
      if (row.match === 'ambiguous') skipped++;
      continue;
    }
    switch (row.kind) {
      case 'rating': {
        // Several ratings of one film in a file: the latest one counts.
        const prev = ratings.get(movieId);
        if (!prev || (row.date ?? '') >= prev.date)
          ratings.set(movieId, { movieId, value: row.rating!, at: at(row.date, now), date: row.date ?? '' });
        const choice = choices.perRow[String(row.i)] ?? choices.conflicts;
        if (choice === 'replace') replace.add(movieId);
        else replace.delete(movieId);
        break;
      }
      case 'watchlist':
        if (!watchlist.has(movieId)) watchlist.set(movieId, { movieId, at: at(row.date, now) });
        break;
      case 'watch': {
        // watched.csv rows without a diary entry are dated by when they were logged (the parser's choice).
        const date = row.date ?? today(now);
        // The diary's rules: a real day from 1870 on, not in the future (anywhere on Earth: the file has no zone).
        if (checkWatchDate(date, LATEST_ZONE, now)) {
          watchesOutOfRange++;
          break;
        }
        const rewatch = row.rewatch ?? false;
        // One diary entry per movie, day and rewatch flag (the dedupe key the database write uses too).
        watches.set(`${movieId}|${date}|${rewatch}`, { movieId, date, rewatch, rating: row.rating ?? null });
        break;
      }
      case 'like': {
        const date = row.date ?? today(now);
        const prev = likes.get(movieId);
        // A film liked twice in the file: the first like counts.
        if (!prev || date < prev.date) likes.set(movieId, { movieId, date });
        break;
      }
      case 'list':
        if (row.list !== undefined && !listItems[row.list].some((it) => it.movieId === movieId)) {
          listItems[row.list].push({ movieId, note: row.note ?? null, position: row.position ?? 0 });
        }
        break;
    }
  }
  return {
    ratings: [...ratings.values()].map(({ movieId, value, at: t }) => ({ movieId, value, at: t })),
    replace,
    watchlist: [...watchlist.values()],
    watches: [...watches.values()],
    likes: [...likes.values()],
    lists: payload.lists.map((l, k) => ({
      name: l.name,
      description: l.description,
      items: listItems[k].sort((a, b) => a.position - b.position).map(({ movieId, note }) => ({ movieId, note })),
    })),
    source: payload.source,
    counts: {
      skipped,
      unmatched: payload.rows.filter((r) => r.match === 'unmatched').length,
      malformed: payload.malformed.length,
      watchesOutOfRange,
    },
  };
}

/** Applies a preview with the member's choices, in one transaction, in the request. */
export async function confirmHistoryImport(userId: number, input: ConfirmImportInput): Promise<ImportSummary> {
  const preview = await getMemberImport(userId, input.importId);
  if (preview.status === 'APPLYING')
    throw new ConflictError('This import is being written now: follow its progress on the import page.');
  if (preview.status !== 'PREVIEW')
    throw new AppError('CONFLICT', 'This import was already confirmed. Upload the file again to import it once more.');
  // One import at a time per member: a running job's writes and these must not interleave their reads.
  if (await getRunningImportJob(userId))
    throw new ConflictError('Another import of yours is running: wait for it to finish, then confirm this one.');
  return applyMemberImport(userId, input.importId, planImport(preview.payload, input));
}

/**
 * Confirms a preview: a small file (fewer than IMPORT_JOB_MIN_ROWS rows) is written in the request; a large one is
 * handed to the worker, which writes it in one transaction while the import page shows its progress (the member may
 * close the tab). Without a live worker a large file is written in the request too, rather than wait for nobody.
 */
export async function confirmOrQueueHistoryImport(userId: number, input: ConfirmImportInput): Promise<ConfirmOutcome> {
  const head = await getMemberImportHead(userId, input.importId);
  if (head.status === 'PREVIEW' && head.rows >= env.IMPORT_JOB_MIN_ROWS && (await getWorkerStatus()).alive) {
    const { importId, ...choices } = input;
    const job = await queueImportJob(userId, importId, choices, head.rows);
    await sendImportJob(importId);
    return { queued: true, job };
  }
  return { queued: false, summary: await confirmHistoryImport(userId, input) };
}
