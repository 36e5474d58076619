import 'server-only';
import { listVersions, type ModelVersionDto } from '../data/models';
import { listImports, type CatalogueImportDto } from '../data/imports';

export interface AdminStatus {
  versions: ModelVersionDto[];
  imports: CatalogueImportDto[];
}

export async function getAdminStatus(): Promise<AdminStatus> {
  const [versions, imports] = await Promise.all([listVersions(30), listImports(10)]);
  return { versions, imports };
}
