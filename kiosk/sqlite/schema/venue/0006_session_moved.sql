-- The room a session was in before an import moved it, so screens can say
-- "moved from Room K" to delegates holding the printed programme.
ALTER TABLE sessions ADD COLUMN moved_from TEXT NOT NULL DEFAULT '';
