-- Staff sessions: the cookie holds a random token, the table its SHA-256,
-- so a copy of the database does not log anyone in.
CREATE TABLE staff_sessions (
	token_hash  TEXT PRIMARY KEY,
	username    TEXT NOT NULL REFERENCES staff(username) ON DELETE CASCADE,
	created_us  INTEGER NOT NULL,
	seen_us     INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_sessions_user ON staff_sessions(username);

-- Attention notes the desk leaves on a delegate ("see secretariat").
-- Local to the kiosk; kept across roster re-imports.
CREATE TABLE delegate_notes (
	delegate_id  TEXT PRIMARY KEY,
	note         TEXT NOT NULL,
	actor        TEXT NOT NULL,
	updated_us   INTEGER NOT NULL
) STRICT;

-- Public keys that sign QR passes: this kiosk's own and those the
-- registry distributes (kind "key" in the change feed).
CREATE TABLE pass_keys (
	id          TEXT PRIMARY KEY,
	public_key  TEXT NOT NULL,
	origin      TEXT NOT NULL,   -- own | registry
	created_us  INTEGER NOT NULL
) STRICT;
