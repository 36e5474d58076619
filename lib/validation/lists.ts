import { z } from 'zod';

const name = z.string().trim().min(1, 'Give the list a name.').max(120, 'Keep the name under 120 characters.');
const description = z.string().trim().max(2000, 'Keep the description under 2,000 characters.');
const id = z.coerce.number().int().positive();

export const CreateListInput = z.object({ name, description: description.default('') });
export type CreateListInput = z.infer<typeof CreateListInput>;

export const UpdateListInput = z.object({
  listId: id,
  name: name.optional(),
  description: description.optional(),
  isPublic: z.boolean().optional(),
});
export type UpdateListInput = z.infer<typeof UpdateListInput>;

export const ListRefInput = z.object({ listId: id });
export const ListMovieInput = z.object({ listId: id, movieId: id });
export const SetListMembershipInput = z.object({ listId: id, movieId: id, on: z.boolean() });
export const ReorderListInput = z.object({ listId: id, movieIds: z.array(id).max(10_000) });

/** A list as the lists page and the add-to-list menu show it. */
export interface ListSummary {
  id: number;
  name: string;
  description: string;
  isPublic: boolean;
  count: number;
  updatedAt: string;
}

/** One of the viewer's lists, and whether a given movie is on it (the add-to-list menu). */
export interface ListMembership {
  id: number;
  name: string;
  has: boolean;
}

export interface ListEntry {
  movieId: number;
  title: string;
  year: number | null;
  posterPath: string | null;
  runtime: number | null;
  position: number;
  note: string | null;
  /** The viewer's predicted rating (null without a model or for a signed-out viewer). */
  predicted: number | null;
  /** The viewer's own rating, when they rated it. */
  rating: number | null;
}

export interface ListDetail {
  id: number;
  name: string;
  description: string;
  isPublic: boolean;
  ownerName: string | null;
  isOwner: boolean;
  entries: ListEntry[];
}
