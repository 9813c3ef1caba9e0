-- The passes this kiosk's desk issued, with their tokens (so that the desk
-- can show or print the current pass again), and their announcement to
-- the registry: synced 0 waiting, 1 delivered, 2 refused (kept, no longer
-- retried).
CREATE TABLE issued_passes (
	uid          TEXT PRIMARY KEY,
	pass_id      TEXT NOT NULL,
	delegate_id  TEXT NOT NULL,
	token        TEXT NOT NULL,
	issued_us    INTEGER NOT NULL,
	synced       INTEGER NOT NULL DEFAULT 0,
	sync_error   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX issued_passes_delegate ON issued_passes(delegate_id, issued_us);
CREATE INDEX issued_passes_waiting ON issued_passes(issued_us) WHERE synced = 0;
