import { z } from 'zod';
import type { ImportKind, ImportList, ImportSource, MalformedRow } from './types';

/** A film of the catalogue as the preview shows it. */
export interface PreviewMovie {
  id: number;
  title: string;
  year: number | null;
}

/** One row of an import preview: what the file said, which movie it is, and what confirming would do. */
export interface PreviewRow {
  /** Index in the preview (the key for picks and per-row conflict choices). */
  i: number;
  file: string;
  line: number;
  kind: ImportKind;
  title: string;
  year: number | null;
  rating?: number;
  date?: string;
  rewatch?: boolean;
  list?: number;
  position?: number;
  note?: string;
  match: 'matched' | 'ambiguous' | 'unmatched';
  movieId?: number;
  candidates?: number[];
  /** For a matched rating: the member's rating of that movie when the preview was made. */
  existing?: number;
  /** new: nothing there yet · same: already there (re-import) · conflict: a different rating exists. */
  state?: 'new' | 'same' | 'conflict';
}

export interface PreviewPayload {
  source: ImportSource;
  lists: (ImportList & { exists: boolean })[];
  rows: PreviewRow[];
  malformed: MalformedRow[];
  warnings: string[];
  movies: Record<number, PreviewMovie>;
}

export interface ImportSummary {
  ratingsAdded: number;
  ratingsReplaced: number;
  ratingsKept: number;
  ratingsUnchanged: number;
  watchlistAdded: number;
  listsCreated: number;
  listItemsAdded: number;
  /** Diary entries (Watch) and likes (Like) added; ones already there are not counted. */
  watchesAdded: number;
  likesAdded: number;
  /** Diary entries left out because their date is before 1870 or in the future. */
  watchesOutOfRange?: number;
  skipped: number;
  unmatched: number;
  malformed: number;
}

export interface ImportPreviewDto {
  id: number;
  fileName: string;
  status: 'PREVIEW' | 'APPLYING' | 'APPLIED';
  createdAt: string;
  payload: PreviewPayload;
  summary: ImportSummary | null;
}

export const ConfirmImportInput = z.object({
  importId: z.coerce.number().int().positive(),
  /** What to do with every conflicting rating unless a row says otherwise. */
  conflicts: z.enum(['keep', 'replace']).default('keep'),
  perRow: z.record(z.string().regex(/^\d+$/), z.enum(['keep', 'replace'])).default({}),
  /** Ambiguous rows: row index → the chosen movie (rows left out are skipped). */
  picks: z.record(z.string().regex(/^\d+$/), z.coerce.number().int().positive()).default({}),
});
export type ConfirmImportInput = z.infer<typeof ConfirmImportInput>;

/** A confirm run as a background job (large files): where it is, for the progress bar. */
export interface ImportJobDto {
  id: number;
  fileName: string;
  /** APPLYING: queued or running · APPLIED: done (summary) · PREVIEW: not confirmed, or the job failed (error). */
  status: 'PREVIEW' | 'APPLYING' | 'APPLIED';
  /** queued · reading · writing · done · failed */
  phase: string | null;
  rowsDone: number;
  rowsTotal: number;
  error: string | null;
  summary: ImportSummary | null;
  queuedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

/** What confirming answers: the summary (written in the request) or "queued" (a job writes it; follow its progress). */
export type ConfirmOutcome = { queued: false; summary: ImportSummary } | { queued: true; job: ImportJobDto };
