

-- Issue #21 × #23: watches and likes an import kept in "PendingImportItem" move to the diary ("Watch") and the hearts
-- ("Like"), with the same rules as an import's confirm: a watch already there (same member, movie, day and rewatch
-- flag) is not added again; a like is one per member and movie (the earliest date wins); diary dates outside the
-- Watch table's CHECK (before 1870, after tomorrow) cannot be stored and are left out. Members who gained anything
-- get a new taste version; a moved watch counts as logged on the day watched (as an import now writes it), so For You folds them in. Old import summaries are renamed to the new counters.
INSERT INTO "Watch" ("userId", "movieId", "watchedOn", rewatch, rating, "createdAt", "updatedAt")
SELECT p."userId", p."movieId", p.date, p.rewatch, p.rating, p.date::timestamp, now()
FROM "PendingImportItem" p
WHERE p.kind = 'WATCH'
  AND p.date >= DATE '1870-01-01' AND p.date <= CURRENT_DATE + 1
  AND (p.rating IS NULL OR (p.rating >= 0.5 AND p.rating <= 5 AND p.rating * 2 = floor(p.rating * 2)))
  AND NOT EXISTS (SELECT 1 FROM "Watch" w WHERE w."userId" = p."userId" AND w."movieId" = p."movieId" AND w."watchedOn" = p.date AND w.rewatch = p.rewatch);

INSERT INTO "Like" ("userId", "movieId", "createdAt")
SELECT p."userId", p."movieId", min(p.date)::timestamp
FROM "PendingImportItem" p
WHERE p.kind = 'LIKE'
GROUP BY p."userId", p."movieId"
ON CONFLICT ("userId", "movieId") DO NOTHING;

UPDATE "User" u SET "tasteVersion" = u."tasteVersion" + 1
WHERE EXISTS (SELECT 1 FROM "PendingImportItem" p WHERE p."userId" = u.id);

UPDATE "MemberImport"
SET summary = (summary - 'pendingWatches' - 'pendingLikes')
  || jsonb_build_object('watchesAdded', summary -> 'pendingWatches', 'likesAdded', summary -> 'pendingLikes')
WHERE summary ? 'pendingWatches';
