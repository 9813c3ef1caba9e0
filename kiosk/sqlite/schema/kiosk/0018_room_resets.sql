-- Room counts emptied by staff at this kiosk, for the registry, which
-- passes the reset on to every kiosk through the room's feed entry.
-- synced 0 waiting, 1 delivered, 2 refused (kept, no longer retried).
CREATE TABLE room_resets (
	id          TEXT PRIMARY KEY,
	room        TEXT NOT NULL,
	day         TEXT NOT NULL,
	at_us       INTEGER NOT NULL,
	staff       TEXT NOT NULL,
	synced      INTEGER NOT NULL DEFAULT 0,
	sync_error  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX room_resets_waiting ON room_resets(at_us) WHERE synced = 0;
