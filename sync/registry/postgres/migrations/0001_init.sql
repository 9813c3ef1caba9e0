-- The registry on PostgreSQL: the venue's tables as a kiosk keeps them
-- (the same names and columns as on SQLite; instants are bigint
-- microseconds since the Unix epoch, UTC), a change log that triggers
-- keep, kiosk tokens, pass keys and desk events.

CREATE TABLE settings (
	key    text PRIMARY KEY,
	value  text NOT NULL
);

CREATE TABLE delegates (
	id            text PRIMARY KEY,
	family_name   text NOT NULL,
	given_name    text NOT NULL,
	organization  text NOT NULL DEFAULT '',
	country       text NOT NULL DEFAULT '',
	role          text NOT NULL DEFAULT 'delegate',
	groups        text NOT NULL DEFAULT '',  -- ';'-separated
	valid_from    text NOT NULL DEFAULT '',
	valid_to      text NOT NULL DEFAULT '',
	status        text NOT NULL DEFAULT 'registered',
	language      text NOT NULL DEFAULT 'en',
	email         text NOT NULL DEFAULT '',
	updated_us    bigint NOT NULL
);

-- One row per UID ever bound; source is 'roster' or 'desk'. A revoked
-- badge keeps its row so that a re-import cannot resurrect it. bound_us:
-- when a desk bound it (a later bind of the UID to someone else loses).
CREATE TABLE badges (
	uid          text PRIMARY KEY,
	delegate_id  text NOT NULL REFERENCES delegates(id) ON DELETE CASCADE,
	source       text NOT NULL,
	revoked      boolean NOT NULL DEFAULT false,
	created_us   bigint NOT NULL,
	revoked_us   bigint,
	bound_us     bigint NOT NULL DEFAULT 0
);
CREATE INDEX badges_delegate ON badges(delegate_id);

CREATE TABLE rooms (
	name      text PRIMARY KEY,
	building  text NOT NULL DEFAULT '',
	floor     text NOT NULL DEFAULT '',
	capacity  integer NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
	id          text PRIMARY KEY,
	date        text NOT NULL,          -- local date of the start
	start_us    bigint NOT NULL,
	end_us      bigint NOT NULL,
	room        text NOT NULL,
	building    text NOT NULL DEFAULT '',
	title       text NOT NULL,
	groups      text NOT NULL DEFAULT '',
	status      text NOT NULL DEFAULT 'scheduled',
	moved_from  text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_date ON sessions(date, start_us);

-- Every check-in the kiosks delivered, once each (the kiosk chose the id).
CREATE TABLE taps (
	id             text PRIMARY KEY,
	at_us          bigint NOT NULL,
	day            text NOT NULL,      -- local date in the meeting's zone
	uid            text NOT NULL,
	source         text NOT NULL,
	gate           text NOT NULL,
	direction      text NOT NULL,
	kiosk          text NOT NULL,
	delegate_id    text NOT NULL DEFAULT '',
	delegate_name  text NOT NULL DEFAULT '',
	result         text NOT NULL,
	reason         text NOT NULL DEFAULT '',
	first_today    boolean NOT NULL DEFAULT false,
	received_us    bigint NOT NULL DEFAULT 0
);
CREATE INDEX taps_day ON taps(day, at_us);
CREATE INDEX taps_delegate ON taps(delegate_id, at_us);
CREATE INDEX taps_at ON taps(at_us, id);

-- A delegate's first accepted entry of a local day, seen at any kiosk.
CREATE TABLE arrivals (
	delegate_id  text NOT NULL,
	day          text NOT NULL,
	tap_id       text NOT NULL,
	at_us        bigint NOT NULL,
	kiosk        text NOT NULL,
	PRIMARY KEY (delegate_id, day)
);

-- Staff logins (argon2id PHC strings), their sessions and what they did.
CREATE TABLE staff (
	username       text PRIMARY KEY,
	role           text NOT NULL,
	password_hash  text NOT NULL,
	created_us     bigint NOT NULL,
	source         text NOT NULL DEFAULT 'local'
);

CREATE TABLE staff_sessions (
	token_hash  text PRIMARY KEY,
	username    text NOT NULL REFERENCES staff(username) ON DELETE CASCADE,
	created_us  bigint NOT NULL,
	seen_us     bigint NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions(username);

CREATE TABLE audit_log (
	id      bigserial PRIMARY KEY,
	at_us   bigint NOT NULL,
	actor   text NOT NULL,
	action  text NOT NULL,
	detail  text NOT NULL DEFAULT ''
);

-- Public keys that sign QR passes, each kiosk's own (kiosk: its id), and
-- the keys withdrawn when a kiosk's token was revoked or replaced.
CREATE TABLE pass_keys (
	id          text PRIMARY KEY,
	public_key  text NOT NULL,
	origin      text NOT NULL,
	kiosk       text NOT NULL DEFAULT '',
	created_us  bigint NOT NULL
);
CREATE INDEX pass_keys_kiosk ON pass_keys(kiosk) WHERE kiosk <> '';

CREATE TABLE withdrawn_keys (
	id            text PRIMARY KEY,
	public_key    text NOT NULL,
	kiosk         text NOT NULL,
	withdrawn_us  bigint NOT NULL
);

-- The newest QR pass of each delegate any kiosk announced.
CREATE TABLE passes (
	delegate_id  text PRIMARY KEY,
	uid          text NOT NULL,
	issued_us    bigint NOT NULL,
	kiosk        text NOT NULL DEFAULT ''
);

-- Kiosk tokens (only their hashes) and those revoked or replaced.
CREATE TABLE kiosk_tokens (
	kiosk       text PRIMARY KEY,
	token_hash  text NOT NULL UNIQUE,
	created_us  bigint NOT NULL
);

CREATE TABLE revoked_tokens (
	token_hash  text PRIMARY KEY,
	kiosk       text NOT NULL,
	revoked_us  bigint NOT NULL
);

-- Desk events received, once each, and what became of them.
CREATE TABLE desk_events (
	id           text PRIMARY KEY,
	op           text NOT NULL,
	uid          text NOT NULL,
	delegate_id  text NOT NULL DEFAULT '',
	kiosk        text NOT NULL,
	at_us        bigint NOT NULL,
	received_us  bigint NOT NULL,
	outcome      text NOT NULL,      -- applied | displaced | lost | stale | unknown_delegate
	held_by      text NOT NULL DEFAULT ''
);
CREATE INDEX desk_events_lost ON desk_events(received_us) WHERE outcome IN ('lost', 'displaced');

-- The change feed. Every write to a table kiosks mirror appends to it in
-- the writing transaction, through log_change. Appends are serialised by
-- a transaction-level advisory lock taken before the sequence number, and
-- held until commit: a change with a greater seq can only commit after
-- every change with a smaller one did, so a reader that saw seq N can
-- never later find one below N (sync/doc.go, "Gap-free on PostgreSQL").
-- The NOTIFY is sent at commit and wakes every registry's long polls.
CREATE SEQUENCE changes_seq;

CREATE TABLE changes (
	seq   bigint PRIMARY KEY,
	kind  text NOT NULL,
	key   text NOT NULL,
	key2  text NOT NULL DEFAULT '',  -- arrivals: the day
	op    text NOT NULL              -- upsert | delete
);
CREATE INDEX changes_kind ON changes(kind, seq);

CREATE FUNCTION log_change(p_kind text, p_key text, p_key2 text, p_op text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(7955998916423557230); -- 'checkin' change log
	INSERT INTO changes (seq, kind, key, key2, op) VALUES (nextval('changes_seq'), p_kind, p_key, p_key2, p_op);
	PERFORM pg_notify('checkin_changes', '');
END $$;

-- log_row logs a row of the trigger's table: TG_ARGV is the kind, the key
-- column and, optionally, the key2 column.
CREATE FUNCTION log_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	r jsonb;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := to_jsonb(OLD);
	ELSE
		r := to_jsonb(NEW);
	END IF;
	PERFORM log_change(TG_ARGV[0], r->>TG_ARGV[1],
		CASE WHEN TG_NARGS > 2 THEN r->>TG_ARGV[2] ELSE '' END,
		CASE TG_OP WHEN 'DELETE' THEN 'delete' ELSE 'upsert' END);
	RETURN NULL;
END $$;

CREATE TRIGGER delegates_log AFTER INSERT OR UPDATE OR DELETE ON delegates
	FOR EACH ROW EXECUTE FUNCTION log_row('delegate', 'id');
CREATE TRIGGER badges_log AFTER INSERT OR UPDATE OR DELETE ON badges
	FOR EACH ROW EXECUTE FUNCTION log_row('badge', 'uid');
CREATE TRIGGER rooms_log AFTER INSERT OR UPDATE OR DELETE ON rooms
	FOR EACH ROW EXECUTE FUNCTION log_row('room', 'name');
CREATE TRIGGER sessions_log AFTER INSERT OR UPDATE OR DELETE ON sessions
	FOR EACH ROW EXECUTE FUNCTION log_row('session', 'id');
CREATE TRIGGER arrivals_log AFTER INSERT OR UPDATE ON arrivals
	FOR EACH ROW EXECUTE FUNCTION log_row('arrival', 'delegate_id', 'day');
CREATE TRIGGER pass_keys_log AFTER INSERT OR UPDATE OR DELETE ON pass_keys
	FOR EACH ROW EXECUTE FUNCTION log_row('key', 'id');
CREATE TRIGGER passes_log AFTER INSERT OR UPDATE OR DELETE ON passes
	FOR EACH ROW EXECUTE FUNCTION log_row('pass', 'delegate_id');
CREATE TRIGGER staff_log_ins AFTER INSERT OR DELETE ON staff
	FOR EACH ROW EXECUTE FUNCTION log_row('staff', 'username');
CREATE TRIGGER staff_log_upd AFTER UPDATE ON staff
	FOR EACH ROW WHEN (NEW.role IS DISTINCT FROM OLD.role OR NEW.password_hash IS DISTINCT FROM OLD.password_hash)
	EXECUTE FUNCTION log_row('staff', 'username');

-- The meeting's settings are one entity of the feed.
CREATE FUNCTION log_meeting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM log_change('meeting', '', '', 'upsert');
	RETURN NULL;
END $$;
CREATE TRIGGER meeting_log_ins AFTER INSERT ON settings
	FOR EACH ROW WHEN (NEW.key LIKE 'meeting.%') EXECUTE FUNCTION log_meeting();
CREATE TRIGGER meeting_log_upd AFTER UPDATE ON settings
	FOR EACH ROW WHEN (NEW.key LIKE 'meeting.%' AND NEW.value IS DISTINCT FROM OLD.value) EXECUTE FUNCTION log_meeting();
