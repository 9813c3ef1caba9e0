-- A pass key belongs to the kiosk whose token announced it (kiosk: its
-- id; '' for a key the registry took over with a kiosk's database). A
-- kiosk announces one key. Revoking or replacing its token withdraws its
-- keys: the delete reaches every kiosk through the feed, and a withdrawn
-- key id is kept here so that it is never trusted again (the passes it
-- signed stay invalid even if the kiosk announces it once more).
ALTER TABLE pass_keys ADD COLUMN kiosk TEXT NOT NULL DEFAULT '';
UPDATE pass_keys SET kiosk = substr(origin, 7) WHERE origin LIKE 'kiosk:%';
CREATE INDEX pass_keys_kiosk ON pass_keys(kiosk) WHERE kiosk <> '';

CREATE TABLE withdrawn_keys (
	id            TEXT PRIMARY KEY,
	public_key    TEXT NOT NULL,
	kiosk         TEXT NOT NULL,
	withdrawn_us  INTEGER NOT NULL
) STRICT;
