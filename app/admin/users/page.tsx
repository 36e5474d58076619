import { requireAdminPage } from '@/lib/server/admin-guard';
import { listMembersForAdmin } from '@/lib/server/data/admin-users';
import { UserSearchInput } from '@/lib/validation/admin-users';
import { UsersTable } from './users-table';

export const metadata = { title: 'Users · Admin' };
export const dynamic = 'force-dynamic';

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const admin = await requireAdminPage('/admin/users');
  const raw = await searchParams;
  const { q } = UserSearchInput.parse({ q: typeof raw.q === 'string' ? raw.q : '' });
  const users = await listMembersForAdmin(q);
  return (
    <>
      <h1>Users</h1>
      <form className="admin-row" role="search" action="/admin/users" style={{ marginBottom: 12 }}>
        <div className="field">
          <label htmlFor="user-q">Search by name or email</label>
          <input id="user-q" name="q" defaultValue={q} type="search" />
        </div>
        <button className="btn" type="submit">
          Search
        </button>
      </form>
      <p className="small muted">
        {users.length === 100 ? 'The newest 100 matches.' : `${users.length} member${users.length === 1 ? '' : 's'}.`}
      </p>
      <UsersTable users={users} selfId={admin.id} />
    </>
  );
}
