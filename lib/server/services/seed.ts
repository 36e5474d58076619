import 'server-only';
import { countMovies } from '../data/catalogue';
import { addMissingRatings } from '../data/ratings';
import { upsertDemoAccount } from '../data/users';
import { importCatalogue } from './catalogue-import';
import { DOWNLOAD_DIR, resolveDataDir } from './data-source';
import { downloadMovieLens } from './data-download';
import { env } from '@/lib/env';

export const DEMO_USER_EMAIL = 'demo@reel.local';
export const DEMO_ADMIN_EMAIL = 'admin@reel.local';

/** Well-known, diverse titles the demo user has rated (MovieLens ids), with the rating given. */
const DEMO_RATINGS: [number, number][] = [
  [6, 5], // Heat
  [2571, 4.5], // The Matrix
  [1, 4], // Toy Story
  [858, 5], // The Godfather
  [2355, 2], // A Bug's Life
];

export interface SeedResult {
  importedCatalogue: boolean;
  dataDir: string | null;
  movies: number;
}

/** First-run seeding: the catalogue when the Movie table is empty, then the demo accounts (always refreshed). */
export async function seed(
  passwords: { demo: string; admin: string },
  log: (line: string) => void = console.log,
): Promise<SeedResult> {
  let importedCatalogue = false;
  let dataDir: string | null = null;
  if ((await countMovies()) === 0) {
    dataDir = resolveDataDir();
    if (!dataDir && !env.DATA_DIR) {
      log(`No data folder found: downloading MovieLens ml-latest-small from ${env.MOVIELENS_URL} …`);
      try {
        dataDir = await downloadMovieLens(env.MOVIELENS_URL, DOWNLOAD_DIR, { sha256: env.MOVIELENS_SHA256 });
        log(`Downloaded into ${DOWNLOAD_DIR} (git-ignored); it is reused from now on.`);
      } catch (err) {
        log(`Download failed (${(err as Error).message}).`);
      }
    }
    if (dataDir) {
      log(`Importing the demo catalogue from ${dataDir} …`);
      let lastPhase = '';
      const report = await importCatalogue(dataDir, (p) => {
        if (p.phase !== lastPhase || p.done === p.total) {
          if (p.done === p.total) log(`  ${p.phase}: ${p.total.toLocaleString('en')} done`);
          lastPhase = p.phase;
        }
      });
      log(
        `Imported ${report.movies} movies, ${report.ratings} ratings by ${report.importedUsers} MovieLens users, ` +
          `${report.tags} tags in ${report.seconds.toFixed(1)} s (${report.issueCount} malformed rows skipped).`,
      );
      importedCatalogue = true;
    } else {
      log('No movie data found: starting with an empty catalogue. Set DATA_DIR to a folder holding');
      log('movielens/ml-latest-small/*.csv (and optionally tmdb/*.csv), then restart or reload from the admin page.');
    }
  }
  const demo = await upsertDemoAccount({
    email: DEMO_USER_EMAIL,
    name: 'Demo Viewer',
    password: passwords.demo,
    role: 'USER',
  });
  await upsertDemoAccount({ email: DEMO_ADMIN_EMAIL, name: 'Reel Admin', password: passwords.admin, role: 'ADMIN' });
  await addMissingRatings(demo.id, DEMO_RATINGS);
  return { importedCatalogue, dataDir, movies: await countMovies() };
}
