/* eslint-disable @next/next/no-img-element -- posters come from our own route (SVG placeholders or a redirect). */
export function Poster({ movieId, title }: { movieId: number; title: string }) {
  return <img src={`/api/posters/${movieId}`} alt={`Poster: ${title}`} loading="lazy" width={342} height={513} />;
}
