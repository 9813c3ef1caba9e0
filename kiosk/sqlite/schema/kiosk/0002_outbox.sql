-- Delivery to a registry. A tap row is its own outbox entry: it is queued
-- in the same transaction that records it. synced: 0 waiting, 1 delivered,
-- 2 refused by the registry as malformed (kept, but no longer retried).
ALTER TABLE taps ADD COLUMN synced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE taps ADD COLUMN sync_error TEXT NOT NULL DEFAULT '';
CREATE INDEX taps_waiting ON taps(at_us) WHERE synced = 0;
CREATE INDEX taps_refused ON taps(id) WHERE synced = 2;

-- Badge binds and revokes made at this kiosk's desk, for the registry.
CREATE TABLE badge_events (
	id           TEXT PRIMARY KEY,
	op           TEXT NOT NULL,   -- bind | revoke
	uid          TEXT NOT NULL,
	delegate_id  TEXT NOT NULL DEFAULT '',
	at_us        INTEGER NOT NULL,
	synced       INTEGER NOT NULL DEFAULT 0,
	sync_error   TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX badge_events_waiting ON badge_events(at_us) WHERE synced = 0;
