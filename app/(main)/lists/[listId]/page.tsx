import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getCurrentUser } from '@/lib/server/auth';
import { getViewableList } from '@/lib/server/data/lists';
import { ratingsFor } from '@/lib/server/data/ratings';
import { NotFoundError } from '@/lib/server/errors';
import { predictRatingsFor } from '@/lib/server/services/predictions';
import type { ListDetail } from '@/lib/validation/lists';
import { ListView } from './list-view';
import '../../library.css';

export default async function ListPage({ params }: { params: Promise<{ listId: string }> }) {
  const id = Number((await params).listId);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const user = await getCurrentUser();
  let list;
  try {
    list = await getViewableList(user?.id ?? null, id);
  } catch (err) {
    // Someone else's private list looks exactly like a missing one.
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
  const ids = list.items.map((it) => it.movieId);
  const [predicted, ratings] = user
    ? await Promise.all([predictRatingsFor(user.id, ids), ratingsFor(user.id, ids)])
    : [new Map<number, number>(), new Map<number, number>()];
  const detail: ListDetail = {
    id: list.id,
    name: list.name,
    description: list.description,
    isPublic: list.isPublic,
    ownerName: list.ownerName,
    isOwner: list.isOwner,
    entries: list.items.map((it) => ({
      ...it,
      predicted: predicted.get(it.movieId) ?? null,
      rating: ratings.get(it.movieId) ?? null,
    })),
  };
  return (
    <>
      {list.isOwner && (
        <p className="small">
          <Link href="/lists">← Lists</Link>
        </p>
      )}
      <ListView list={detail} signedIn={user !== null} />
    </>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ listId: string }> }) {
  const id = Number((await params).listId);
  const user = await getCurrentUser();
  try {
    const list = await getViewableList(user?.id ?? null, id);
    return { title: list.name };
  } catch (err) {
    if (err instanceof NotFoundError) return { title: 'List not found' };
    throw err;
  }
}
