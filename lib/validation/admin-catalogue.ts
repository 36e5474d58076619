// Client-safe types and input schemas of the admin catalogue console (#24).
import { z } from 'zod';

export type ImportStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type ImportKind = 'PREVIEW' | 'APPLY';

export interface CatalogueSource {
  type: 'server' | 'upload' | 'url';
  /** What the admin sees: the folder, the uploaded file names, or the URL. */
  label: string;
  url?: string;
  sha256?: string;
}

export interface ImportIssueDto {
  file: string;
  line: number;
  message: string;
}

/** One dry run or reload, with its live progress and its report. */
export interface CatalogueImportDto {
  id: number;
  kind: ImportKind;
  status: ImportStatus;
  source: CatalogueSource | null;
  dataDir: string | null;
  previewId: number | null;
  maxRejectShare: number;
  phase: string | null;
  progress: number;
  rowsDone: number;
  rowsTotal: number;
  phaseStartedAt: string | null;
  startedAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  cancelRequested: boolean;
  requestedBy: string | null;
  report: Record<string, unknown> | null;
  error: string | null;
}

const sha256 = z
  .string()
  .trim()
  .transform((s) => s.toLowerCase())
  .refine((s) => s === '' || /^[0-9a-f]{64}$/.test(s), 'A sha256 is 64 hexadecimal characters.');

export const GROUPLENS_RELEASES = ['ml-latest-small', 'ml-latest', 'ml-25m'] as const;

export const PreviewCatalogueInput = z.discriminatedUnion('source', [
  z.object({ source: z.literal('server') }),
  z.object({ source: z.literal('upload'), uploadId: z.string().regex(/^[a-f0-9]{24}$/, 'Upload the files first.') }),
  z.object({
    source: z.literal('url'),
    url: z
      .string()
      .trim()
      .url('Enter the release URL, e.g. https://files.grouplens.org/datasets/movielens/ml-latest-small.zip'),
    sha256: sha256.optional(),
  }),
]);
export type PreviewCatalogueInput = z.infer<typeof PreviewCatalogueInput>;

export const ApplyCatalogueInput = z.object({
  previewId: z.coerce.number().int().positive(),
  /** Percent of rejected rows accepted. */
  maxRejectPercent: z.coerce.number().min(0, 'Between 0 and 100 %.').max(100, 'Between 0 and 100 %.').default(1),
});
export type ApplyCatalogueInput = z.infer<typeof ApplyCatalogueInput>;

export const ImportIdInput = z.object({ importId: z.coerce.number().int().positive() });
