-- Delegates' photos, content-addressed: the bytes once per SHA-256
-- (photo_blobs), and each delegate's current photo by hash
-- (delegate_photos). A kiosk learns the mapping from the registry's feed
-- (kind "photo") and fetches the bytes it lacks by hash; until they
-- arrive its mapping names a hash with no blob. A roster re-import keeps
-- the photos of delegates still on it; a removed delegate's goes with
-- them. Bytes no photo names any more are dropped in the same
-- transaction (the triggers below).
-- A rowid table, not WITHOUT ROWID: there the whole row is the B-tree's
-- key, so every lookup by hash walked pages of image bytes (measured: a
-- third of a fresh kiosk's photo sync went to "which photos are missing").
CREATE TABLE photo_blobs (
	sha256        TEXT PRIMARY KEY,   -- lower-case hex of the bytes
	content_type  TEXT NOT NULL,      -- image/jpeg | image/png
	size          INTEGER NOT NULL,
	data          BLOB NOT NULL
) STRICT;

CREATE TABLE delegate_photos (
	delegate_id   TEXT PRIMARY KEY REFERENCES delegates(id) ON DELETE CASCADE,
	sha256        TEXT NOT NULL,
	content_type  TEXT NOT NULL,
	size          INTEGER NOT NULL,
	updated_us    INTEGER NOT NULL
) STRICT;
CREATE INDEX delegate_photos_sha ON delegate_photos(sha256);

CREATE TRIGGER delegate_photos_gc_upd AFTER UPDATE OF sha256 ON delegate_photos WHEN NEW.sha256 <> OLD.sha256 BEGIN
	DELETE FROM photo_blobs WHERE sha256 = OLD.sha256
		AND NOT EXISTS (SELECT 1 FROM delegate_photos WHERE sha256 = OLD.sha256); END;
CREATE TRIGGER delegate_photos_gc_del AFTER DELETE ON delegate_photos BEGIN
	DELETE FROM photo_blobs WHERE sha256 = OLD.sha256
		AND NOT EXISTS (SELECT 1 FROM delegate_photos WHERE sha256 = OLD.sha256); END;
