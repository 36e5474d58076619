import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { listMyLists } from '@/lib/server/data/lists';
import { NewListForm } from './new-list-form';
import '../library.css';

export const metadata = { title: 'Lists' };

export default async function ListsPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in?callbackUrl=/lists');
  const lists = await listMyLists(user.id);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Lists</h1>
          <p className="muted">Your own lists of movies, in your order. Private unless you share them.</p>
        </div>
      </div>
      <section className="settings-section">
        <h2>New list</h2>
        <NewListForm />
      </section>
      {lists.length === 0 ? (
        <div className="empty">No lists yet. Create one above, or add a movie to a list from its page.</div>
      ) : (
        <div className="list-cards" data-testid="my-lists">
          {lists.map((l) => (
            <Link key={l.id} href={`/lists/${l.id}`} className="list-card" data-testid="list-card">
              <strong>{l.name}</strong>
              <span className="muted small">
                {l.count} movie{l.count === 1 ? '' : 's'} · {l.isPublic ? 'public' : 'private'}
              </span>
              {l.description && (
                <span className="small">
                  {l.description.length > 140 ? `${l.description.slice(0, 140)}…` : l.description}
                </span>
              )}
            </Link>
          ))}
        </div>
      )}
    </>
  );
}
