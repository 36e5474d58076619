

-- Search (issue #22): trigram similarity with accent folding, on PostgreSQL and on the embedded PGlite.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change); this wrapper names the dictionary so it can be IMMUTABLE
-- and used in index expressions. Lower-cased, accents removed: "Amélie" and "amelie" index the same.
CREATE OR REPLACE FUNCTION reel_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE INDEX IF NOT EXISTS "Movie_title_trgm_idx" ON "Movie" USING gin (reel_fold(title) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "Person_name_trgm_idx" ON "Person" USING gin (reel_fold(name) gin_trgm_ops);
