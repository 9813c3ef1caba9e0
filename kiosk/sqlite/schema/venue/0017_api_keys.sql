-- API keys of the venue's other systems (e-lockers, doors, printers that
-- share the badge), which ask GET /api/v1/credentials/{uid}. Only the
-- SHA-256 of a key is kept (kiosk.HashSecret); a revoked key keeps its row
-- (revoked_us <> 0) so that `checkin apikey list` still shows it. source:
-- made in this data directory ('local'), or managed at the registry and
-- received through the change feed ('registry').
CREATE TABLE api_keys (
	name        TEXT PRIMARY KEY,
	key_hash    TEXT NOT NULL,
	created_us  INTEGER NOT NULL,
	revoked_us  INTEGER NOT NULL DEFAULT 0,
	source      TEXT NOT NULL DEFAULT 'local'
) STRICT;
