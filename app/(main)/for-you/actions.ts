'use server';

import { FeedQuery } from '@/lib/validation/feed';
import { requireUser } from '@/lib/server/auth';
import { toActionError } from '@/lib/server/errors';
import { buildForYouFeed, type FeedPage } from '@/lib/server/services/for-you';

export async function loadFeedAction(raw: unknown): Promise<{ ok: true; data: FeedPage } | { ok: false; error: string }> {
  const query = FeedQuery.safeParse(raw);
  if (!query.success) return { ok: false, error: query.error.issues[0]?.message ?? 'Invalid feed request.' };
  try {
    const user = await requireUser();
    return { ok: true, data: await buildForYouFeed(user.id, query.data) };
  } catch (err) {
    return toActionError(err);
  }
}
