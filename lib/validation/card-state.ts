import { z } from 'zod';

/** What a signed-in member has done with a movie, for a card's quick actions (client-safe DTO). */
export interface CardState {
  rating: number | null;
  onWatchlist: boolean;
  dismissed: boolean;
}

export const CardStatesQuery = z.object({
  ids: z
    .string()
    .max(2000)
    .transform((s) => s.split(',').filter(Boolean).map(Number))
    .pipe(z.array(z.number().int().positive()).max(100)),
});
