// One factory for every react-query key, shared by server-rendered initial data and client mutations.
export const movieKeys = {
  all: ['movies'] as const,
  rating: (movieId: number) => ['movies', movieId, 'rating'] as const,
  watchlist: (movieId: number) => ['movies', movieId, 'watchlist'] as const,
  dismissed: (movieId: number) => ['movies', movieId, 'dismissed'] as const,
  liked: (movieId: number) => ['movies', movieId, 'liked'] as const,
};

export const feedKeys = {
  forYou: (userId: number) => ['feed', 'for-you', userId] as const,
};

export const importKeys = {
  job: (importId: number) => ['imports', 'job', importId] as const,
};

export const listKeys = {
  memberships: (movieId: number) => ['lists', 'memberships', movieId] as const,
};
