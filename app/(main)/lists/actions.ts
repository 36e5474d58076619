'use server';

import { action } from '@/lib/server/action';
import {
  addToList,
  createList,
  deleteList,
  listMemberships,
  removeFromList,
  reorderList,
  updateList,
} from '@/lib/server/data/lists';
import {
  CreateListInput,
  ListMovieInput,
  ListRefInput,
  ReorderListInput,
  SetListMembershipInput,
  UpdateListInput,
} from '@/lib/validation/lists';
import { z } from 'zod';

export const createListAction = action(CreateListInput, async (input, { user }) => createList(user.id, input), {
  auth: 'user',
  revalidate: ['/lists'],
});

export const updateListAction = action(
  UpdateListInput,
  async ({ listId, ...changes }, { user }) => {
    await updateList(user.id, listId, changes);
  },
  { auth: 'user', revalidate: ['/lists'] },
);

export const deleteListAction = action(
  ListRefInput,
  async ({ listId }, { user }) => {
    await deleteList(user.id, listId);
  },
  { auth: 'user', revalidate: ['/lists'] },
);

export const setListMembershipAction = action(
  SetListMembershipInput,
  async ({ listId, movieId, on }, { user }) => {
    await (on ? addToList(user.id, listId, movieId) : removeFromList(user.id, listId, movieId));
  },
  { auth: 'user', revalidate: ['/lists'] },
);

export const removeFromListAction = action(
  ListMovieInput,
  async ({ listId, movieId }, { user }) => {
    await removeFromList(user.id, listId, movieId);
  },
  { auth: 'user' },
);

export const reorderListAction = action(
  ReorderListInput,
  async ({ listId, movieIds }, { user }) => {
    await reorderList(user.id, listId, movieIds);
  },
  { auth: 'user' },
);

/** The member's lists with whether this movie is on each (the add-to-list menu, read when it opens). */
export const listMembershipsAction = action(
  z.object({ movieId: z.coerce.number().int().positive() }),
  async ({ movieId }, { user }) => listMemberships(user.id, movieId),
  {
    auth: 'user',
  },
);

/** Creates a list and puts the movie on it (the menu's "New list…"). */
export const createListWithMovieAction = action(
  CreateListInput.extend({ movieId: z.coerce.number().int().positive() }),
  async ({ movieId, ...input }, { user }) => {
    const id = await createList(user.id, input);
    await addToList(user.id, id, movieId);
    return id;
  },
  { auth: 'user', revalidate: ['/lists'] },
);
