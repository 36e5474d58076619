// `npm start` with DATABASE_URL unset: embedded PostgreSQL (PGlite) in a fresh data folder.
// UPDATE_SCREENSHOTS=1 also refreshes docs/screenshots/ from this run.
import { defineJourneys } from './journeys';

defineJourneys('embedded');
