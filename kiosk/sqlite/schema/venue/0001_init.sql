-- The kiosk's local state: meeting settings, roster, badges, schedule, taps.
-- Instants are INTEGER microseconds since the Unix epoch, UTC.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE delegates (
	id            TEXT PRIMARY KEY,
	family_name   TEXT NOT NULL,
	given_name    TEXT NOT NULL,
	organization  TEXT NOT NULL DEFAULT '',
	country       TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL DEFAULT 'delegate',
	groups        TEXT NOT NULL DEFAULT '',  -- ';'-separated
	valid_from    TEXT NOT NULL DEFAULT '',
	valid_to      TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'registered',
	language      TEXT NOT NULL DEFAULT 'en',
	email         TEXT NOT NULL DEFAULT '',
	updated_us    INTEGER NOT NULL
) STRICT;

-- One row per UID ever bound. source is 'roster' (from the CSV) or 'desk'.
-- A revoked badge keeps its row so that a re-import cannot resurrect it.
CREATE TABLE badges (
	uid          TEXT PRIMARY KEY,
	delegate_id  TEXT NOT NULL REFERENCES delegates(id) ON DELETE CASCADE,
	source       TEXT NOT NULL,
	revoked      INTEGER NOT NULL DEFAULT 0,
	created_us   INTEGER NOT NULL,
	revoked_us   INTEGER
) STRICT;
CREATE INDEX badges_delegate ON badges(delegate_id);

CREATE TABLE rooms (
	name      TEXT PRIMARY KEY,
	building  TEXT NOT NULL DEFAULT '',
	floor     TEXT NOT NULL DEFAULT '',
	capacity  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE sessions (
	id        TEXT PRIMARY KEY,
	date      TEXT NOT NULL,          -- local date of the start
	start_us  INTEGER NOT NULL,
	end_us    INTEGER NOT NULL,
	room      TEXT NOT NULL,
	building  TEXT NOT NULL DEFAULT '',
	title     TEXT NOT NULL,
	groups    TEXT NOT NULL DEFAULT '',
	status    TEXT NOT NULL DEFAULT 'scheduled'
) STRICT;
CREATE INDEX sessions_date ON sessions(date, start_us);

-- Every tap, accepted or not. No foreign key to delegates: taps are history
-- and outlive roster changes, so the name is kept as it was.
CREATE TABLE taps (
	id             TEXT PRIMARY KEY,
	at_us          INTEGER NOT NULL,
	day            TEXT NOT NULL,      -- local date in the meeting's zone
	uid            TEXT NOT NULL,
	source         TEXT NOT NULL,
	gate           TEXT NOT NULL,
	direction      TEXT NOT NULL,
	kiosk          TEXT NOT NULL,
	delegate_id    TEXT NOT NULL DEFAULT '',
	delegate_name  TEXT NOT NULL DEFAULT '',
	result         TEXT NOT NULL,
	reason         TEXT NOT NULL DEFAULT '',
	first_today    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX taps_day ON taps(day, at_us);
CREATE INDEX taps_delegate ON taps(delegate_id, at_us);

-- A delegate's first accepted entry of a local day; the primary key makes
-- "first today" one insert.
CREATE TABLE arrivals (
	delegate_id  TEXT NOT NULL,
	day          TEXT NOT NULL,
	tap_id       TEXT NOT NULL,
	at_us        INTEGER NOT NULL,
	kiosk        TEXT NOT NULL,
	PRIMARY KEY (delegate_id, day)
) STRICT, WITHOUT ROWID;
