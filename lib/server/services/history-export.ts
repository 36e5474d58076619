import 'server-only';
import { strToU8, zipSync } from 'fflate';
import { csvLine } from '@/lib/import/csv';
import { letterboxdTitle } from '@/lib/import/match';
import { getMemberData, type MemberData } from '../data/member-export';

type Movie = MemberData['ratings'][number]['movie'];

const day = (d: Date) => d.toISOString().slice(0, 10);
// A Reel movie URL in Letterboxd's URI column: importing the file back matches each film by id exactly.
const uri = (origin: string, m: Movie) => `${origin}/movies/${m.id}`;
const film = (origin: string, m: Movie) => [letterboxdTitle(m.title), m.year, uri(origin, m)];
const csv = (header: string[], rows: (string | number | null)[][]) =>
  [csvLine(header), ...rows.map(csvLine)].join('\n') + '\n';

export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'list'
  );
}

/** The member's data as Letterboxd's export files (file path → CSV text). */
export function letterboxdFiles(data: MemberData, origin: string): Record<string, string> {
  const files: Record<string, string> = {};
  files['ratings.csv'] = csv(
    ['Date', 'Name', 'Year', 'Letterboxd URI', 'Rating'],
    data.ratings.map((r) => [day(r.updatedAt), ...film(origin, r.movie), r.value]),
  );
  files['watchlist.csv'] = csv(
    ['Date', 'Name', 'Year', 'Letterboxd URI'],
    data.watchlist.map((w) => [day(w.createdAt), ...film(origin, w.movie)]),
  );
  // Date is when the entry was logged, Watched Date the day watched (the one Reel keeps and an import reads back).
  files['diary.csv'] = csv(
    ['Date', 'Name', 'Year', 'Letterboxd URI', 'Rating', 'Rewatch', 'Tags', 'Watched Date'],
    data.watches.map((w) => [
      day(w.createdAt),
      ...film(origin, w.movie),
      w.rating,
      w.rewatch ? 'Yes' : '',
      '',
      day(w.watchedOn),
    ]),
  );
  files['likes/films.csv'] = csv(
    ['Date', 'Name', 'Year', 'Letterboxd URI'],
    data.likes.map((l) => [day(l.createdAt), ...film(origin, l.movie)]),
  );
  const used = new Set<string>();
  for (const list of data.lists) {
    let name = slugify(list.name);
    for (let k = 2; used.has(name); k++) name = `${slugify(list.name)}-${k}`;
    used.add(name);
    files[`lists/${name}.csv`] = listCsv(list, origin);
  }
  return files;
}

export function listCsv(list: MemberData['lists'][number], origin: string): string {
  return (
    [
      'Letterboxd list export v7',
      csvLine(['Date', 'Name', 'Tags', 'URL', 'Description']),
      csvLine([day(list.createdAt), list.name, '', `${origin}/lists/${list.id}`, list.description]),
      '',
      csvLine(['Position', 'Name', 'Year', 'URL', 'Description']),
      ...list.items.map((it, k) => csvLine([k + 1, ...film(origin, it.movie), it.note])),
    ].join('\n') + '\n'
  );
}

export async function exportLetterboxdZip(userId: number, origin: string): Promise<Uint8Array> {
  const files = letterboxdFiles(await getMemberData(userId), origin);
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([path, text]) => [`reel-export/${path}`, strToU8(text)])),
  );
}

export async function exportLetterboxdCsv(
  userId: number,
  origin: string,
  file: 'ratings' | 'watchlist' | 'diary' | 'likes',
): Promise<string> {
  const files = letterboxdFiles(await getMemberData(userId), origin);
  return files[file === 'likes' ? 'likes/films.csv' : `${file}.csv`];
}

export async function exportListCsv(
  userId: number,
  origin: string,
  listId: number,
): Promise<{ name: string; text: string } | null> {
  const data = await getMemberData(userId);
  const list = data.lists.find((l) => l.id === listId);
  return list ? { name: slugify(list.name), text: listCsv(list, origin) } : null;
}

/** Everything Reel holds about the member as one JSON document (a GDPR-style copy). */
export async function exportMemberJson(userId: number): Promise<string> {
  const data = await getMemberData(userId);
  const m = (movie: Movie) => ({
    movieId: movie.id,
    title: movie.title,
    year: movie.year,
    imdbId: movie.imdbId,
    tmdbId: movie.tmdbId,
  });
  return JSON.stringify(
    {
      format: 'reel-member-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      account: {
        id: data.id,
        name: data.name,
        email: data.email,
        role: data.role,
        favouriteGenres: data.favouriteGenres,
        createdAt: data.createdAt,
        updatedAt: data.updatedAt,
      },
      ratings: data.ratings.map((r) => ({
        ...m(r.movie),
        rating: r.value,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      })),
      watchlist: data.watchlist.map((w) => ({ ...m(w.movie), addedAt: w.createdAt })),
      notInterested: data.dismissals.map((d) => ({ ...m(d.movie), at: d.createdAt })),
      notSeen: data.rateSkips.map((s) => ({ ...m(s.movie), at: s.createdAt })),
      tags: data.tags.map((t) => ({ ...m(t.movie), tag: t.tag, createdAt: t.createdAt })),
      lists: data.lists.map((l) => ({
        name: l.name,
        description: l.description,
        isPublic: l.isPublic,
        createdAt: l.createdAt,
        updatedAt: l.updatedAt,
        items: l.items.map((it, k) => ({ position: k + 1, ...m(it.movie), note: it.note, addedAt: it.createdAt })),
      })),
      diary: data.watches.map((w) => ({
        ...m(w.movie),
        watchedOn: day(w.watchedOn),
        rewatch: w.rewatch,
        rating: w.rating,
        loggedAt: w.createdAt,
      })),
      likes: data.likes.map((l) => ({ ...m(l.movie), likedAt: l.createdAt })),
      imports: data.memberImports,
    },
    null,
    2,
  );
}
