import 'server-only';
import type { AdminStatus } from '@/lib/validation/admin';
import { listVersions } from '../data/models';
import { listImports } from '../data/imports';

export type { AdminStatus } from '@/lib/validation/admin';

export async function getAdminStatus(): Promise<AdminStatus> {
  const [versions, imports] = await Promise.all([listVersions(30), listImports(10)]);
  return { versions, imports };
}
