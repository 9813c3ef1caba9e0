-- The registry role on top of the kiosk schema: a change log that triggers
-- keep, so that every writer (this process, `checkin import` in another)
-- feeds it in the transaction that makes the change.

CREATE TABLE changes (
	seq   INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused
	kind  TEXT NOT NULL,
	key   TEXT NOT NULL,
	key2  TEXT NOT NULL DEFAULT '',            -- arrivals: the day
	op    TEXT NOT NULL                        -- upsert | delete
) STRICT;

CREATE TRIGGER delegates_ins AFTER INSERT ON delegates BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('delegate', NEW.id, 'upsert'); END;
CREATE TRIGGER delegates_upd AFTER UPDATE ON delegates BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('delegate', NEW.id, 'upsert'); END;
CREATE TRIGGER delegates_del AFTER DELETE ON delegates BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('delegate', OLD.id, 'delete'); END;

CREATE TRIGGER badges_ins AFTER INSERT ON badges BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('badge', NEW.uid, 'upsert'); END;
CREATE TRIGGER badges_upd AFTER UPDATE ON badges BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('badge', NEW.uid, 'upsert'); END;
CREATE TRIGGER badges_del AFTER DELETE ON badges BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('badge', OLD.uid, 'delete'); END;

CREATE TRIGGER rooms_ins AFTER INSERT ON rooms BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('room', NEW.name, 'upsert'); END;
CREATE TRIGGER rooms_upd AFTER UPDATE ON rooms BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('room', NEW.name, 'upsert'); END;
CREATE TRIGGER rooms_del AFTER DELETE ON rooms BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('room', OLD.name, 'delete'); END;

CREATE TRIGGER sessions_ins AFTER INSERT ON sessions BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('session', NEW.id, 'upsert'); END;
CREATE TRIGGER sessions_upd AFTER UPDATE ON sessions BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('session', NEW.id, 'upsert'); END;
CREATE TRIGGER sessions_del AFTER DELETE ON sessions BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('session', OLD.id, 'delete'); END;

CREATE TRIGGER arrivals_ins AFTER INSERT ON arrivals BEGIN
	INSERT INTO changes (kind, key, key2, op) VALUES ('arrival', NEW.delegate_id, NEW.day, 'upsert'); END;
CREATE TRIGGER arrivals_upd AFTER UPDATE ON arrivals BEGIN
	INSERT INTO changes (kind, key, key2, op) VALUES ('arrival', NEW.delegate_id, NEW.day, 'upsert'); END;

CREATE TRIGGER meeting_ins AFTER INSERT ON settings WHEN NEW.key LIKE 'meeting.%' BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('meeting', '', 'upsert'); END;
CREATE TRIGGER meeting_upd AFTER UPDATE ON settings WHEN NEW.key LIKE 'meeting.%' AND NEW.value IS NOT OLD.value BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('meeting', '', 'upsert'); END;

-- What was there before the registry role was taken on (a roster imported
-- into the data directory first) enters the log once, in dependency order.
INSERT INTO changes (kind, key, op) SELECT 'meeting', '', 'upsert' WHERE EXISTS (SELECT 1 FROM settings WHERE key LIKE 'meeting.%');
INSERT INTO changes (kind, key, op) SELECT 'room', name, 'upsert' FROM rooms ORDER BY name;
INSERT INTO changes (kind, key, op) SELECT 'session', id, 'upsert' FROM sessions ORDER BY start_us, id;
INSERT INTO changes (kind, key, op) SELECT 'delegate', id, 'upsert' FROM delegates ORDER BY id;
INSERT INTO changes (kind, key, op) SELECT 'badge', uid, 'upsert' FROM badges ORDER BY uid;
INSERT INTO changes (kind, key, key2, op) SELECT 'arrival', delegate_id, day, 'upsert' FROM arrivals ORDER BY at_us;

-- Kiosk tokens: only a hash is kept.
CREATE TABLE kiosk_tokens (
	kiosk       TEXT PRIMARY KEY,
	token_hash  TEXT NOT NULL UNIQUE,
	created_us  INTEGER NOT NULL
) STRICT;

-- Check-ins from kiosks land in taps (so that `export checkins` reads a
-- registry like a kiosk); the registry also keeps when it received each.
ALTER TABLE taps ADD COLUMN received_us INTEGER NOT NULL DEFAULT 0;

-- When the binding of a badge was made at its desk: a later bind of the
-- same UID to someone else loses to an earlier one.
ALTER TABLE badges ADD COLUMN bound_us INTEGER NOT NULL DEFAULT 0;

-- Desk events received, once each, and the conflicts they lost.
CREATE TABLE desk_events (
	id           TEXT PRIMARY KEY,
	op           TEXT NOT NULL,
	uid          TEXT NOT NULL,
	delegate_id  TEXT NOT NULL DEFAULT '',
	kiosk        TEXT NOT NULL,
	at_us        INTEGER NOT NULL,
	received_us  INTEGER NOT NULL,
	outcome      TEXT NOT NULL,      -- applied | lost | stale
	held_by      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX desk_events_lost ON desk_events(received_us) WHERE outcome = 'lost';
