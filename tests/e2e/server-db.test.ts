// `npm start` with DATABASE_URL pointing at a fresh `reel_e2e_<random>` database on the PostgreSQL server
// (the server in DATABASE_URL, default the local test server); the database is dropped afterwards.
import { defineJourneys } from './journeys';

defineJourneys('server');
