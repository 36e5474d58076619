import { z } from 'zod';

export const SearchQuery = z.object({
  q: z.string().trim().max(100).catch(''),
});

/** A person in search results (client-safe DTO). */
export interface PersonHit {
  id: number;
  name: string;
  /** Films of theirs in the catalogue. */
  films: number;
}
