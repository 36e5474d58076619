import { z } from 'zod';
import { idSchema } from './common';

// Client-safe: the admin page's action inputs and the shapes GET /api/admin/status returns (no server imports).

/** An action that takes no input (called as `retrainAction({})`). */
export const NoInput = z.object({}).optional();

export const ActivateVersionInput = z.object({ versionId: idSchema('Unknown model version.') });
export type ActivateVersionInput = z.infer<typeof ActivateVersionInput>;

/** What an admin action reports on success (shown as the page's notice). */
export interface AdminNotice {
  message: string;
}

export type ModelStatus = 'QUEUED' | 'TRAINING' | 'ACTIVE' | 'READY' | 'REJECTED' | 'FAILED' | 'ARCHIVED';

export interface ModelVersionDto {
  id: number;
  algorithm: string;
  status: ModelStatus;
  isActive: boolean;
  trigger: string;
  phase: string | null;
  progress: number;
  dataCounts: Record<string, number> | null;
  metrics: Record<string, number> | null;
  timings: Record<string, number> | null;
  reason: string | null;
  /** ISO 8601. */
  createdAt: string;
  finishedAt: string | null;
  activatedAt: string | null;
}

export type ModelLogLevel = 'info' | 'warn' | 'error';

/** A line of a model version's training log (GET /api/admin/models/:id/log, newest first). */
export interface ModelLogLineDto {
  seq: number;
  /** ISO 8601. */
  at: string;
  level: ModelLogLevel;
  message: string;
}

export type { CatalogueImportDto } from './admin-catalogue';
import type { CatalogueImportDto } from './admin-catalogue';

/** The admin dashboard's data: newest model versions and catalogue reloads first. */
export interface AdminStatus {
  versions: ModelVersionDto[];
  imports: CatalogueImportDto[];
}
