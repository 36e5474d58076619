import { requireAdminPage } from '@/lib/server/admin-guard';
import { listImports } from '@/lib/server/data/imports';
import { resolveDataDir } from '@/lib/server/services/data-source';
import { CatalogueConsole } from './catalogue-console';

export const metadata = { title: 'Catalogue · Admin' };
export const dynamic = 'force-dynamic';

export default async function CataloguePage() {
  await requireAdminPage('/admin/catalogue');
  return (
    <>
      <h1>Catalogue</h1>
      <p className="muted">
        Load a new or larger catalogue: a dry run shows what would change and every rejected row; the reload then runs
        in the background (you can close this tab) without holding up members.
      </p>
      <CatalogueConsole initial={await listImports(25)} serverFolder={resolveDataDir()} />
    </>
  );
}
