-- Photos set or removed at this kiosk's desk, for the registry: sha256 ''
-- is a removal. synced 0 waiting, 1 delivered, 2 refused (kept, no longer
-- retried). The bytes stay in photo_blobs; an event whose bytes were
-- replaced since by a newer photo is delivered as superseded.
CREATE TABLE photo_events (
	id           TEXT PRIMARY KEY,
	delegate_id  TEXT NOT NULL,
	sha256       TEXT NOT NULL,
	at_us        INTEGER NOT NULL,
	synced       INTEGER NOT NULL DEFAULT 0,
	sync_error   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX photo_events_waiting ON photo_events(at_us) WHERE synced = 0;
