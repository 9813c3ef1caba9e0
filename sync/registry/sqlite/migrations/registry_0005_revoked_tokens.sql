-- Tokens revoked or replaced (their hashes), so that the registry can tell
-- a kiosk that its token was revoked rather than never known: such a kiosk
-- stops trusting its own pass key too, which the registry withdrew.
CREATE TABLE revoked_tokens (
	token_hash  TEXT PRIMARY KEY,
	kiosk       TEXT NOT NULL,
	revoked_us  INTEGER NOT NULL
) STRICT;
