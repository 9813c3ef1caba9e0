-- Delegates' photos, as in the SQLite venue schema's 0013_photos.sql:
-- the bytes once per SHA-256, and each delegate's current photo by hash.
-- The change log carries the mapping (kind "photo"), never the bytes,
-- which kiosks fetch by hash. Bytes no photo names any more are dropped in
-- the same transaction.
CREATE TABLE photo_blobs (
	sha256        text PRIMARY KEY,
	content_type  text NOT NULL,
	size          integer NOT NULL,
	data          bytea NOT NULL
);

CREATE TABLE delegate_photos (
	delegate_id   text PRIMARY KEY REFERENCES delegates(id) ON DELETE CASCADE,
	sha256        text NOT NULL,
	content_type  text NOT NULL,
	size          integer NOT NULL,
	updated_us    bigint NOT NULL
);
CREATE INDEX delegate_photos_sha ON delegate_photos(sha256);

-- Writers update a mapping only when its hash changes (ON CONFLICT … WHERE),
-- so every logged update is a new photo.
CREATE TRIGGER delegate_photos_log_ins AFTER INSERT ON delegate_photos REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION log_rows('photo', 'delegate_id');
CREATE TRIGGER delegate_photos_log_upd AFTER UPDATE ON delegate_photos REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION log_rows('photo', 'delegate_id');
CREATE TRIGGER delegate_photos_log_del AFTER DELETE ON delegate_photos REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION log_rows('photo', 'delegate_id');

CREATE FUNCTION drop_unused_photo() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM photo_blobs WHERE sha256 = OLD.sha256
		AND NOT EXISTS (SELECT 1 FROM delegate_photos WHERE sha256 = OLD.sha256);
	RETURN NULL;
END $$;
CREATE TRIGGER delegate_photos_gc_upd AFTER UPDATE ON delegate_photos
	FOR EACH ROW WHEN (NEW.sha256 <> OLD.sha256) EXECUTE FUNCTION drop_unused_photo();
CREATE TRIGGER delegate_photos_gc_del AFTER DELETE ON delegate_photos
	FOR EACH ROW EXECUTE FUNCTION drop_unused_photo();
