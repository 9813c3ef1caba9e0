-- Staff logins (argon2id PHC strings) and what they did.
CREATE TABLE staff (
	username       TEXT PRIMARY KEY,
	role           TEXT NOT NULL,
	password_hash  TEXT NOT NULL,
	created_us     INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	at_us   INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	detail  TEXT NOT NULL DEFAULT ''
) STRICT;
