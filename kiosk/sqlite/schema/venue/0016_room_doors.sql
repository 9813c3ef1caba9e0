-- Room doors (SPEC "Room doors"). A tap at a room door names its room
-- and the session it was for; entrance taps leave both ''.
ALTER TABLE taps ADD COLUMN room TEXT NOT NULL DEFAULT '';
ALTER TABLE taps ADD COLUMN session_id TEXT NOT NULL DEFAULT '';
CREATE INDEX taps_session ON taps(session_id, delegate_id, at_us) WHERE session_id <> '';

-- Where each delegate last passed a room door on a day, at any kiosk: the
-- latest accepted room-door tap wins (kiosk.Presence). People inside a
-- room are the delegates whose presence is an entry into it after the
-- room's last reset.
CREATE TABLE presence (
	delegate_id  TEXT NOT NULL,
	day          TEXT NOT NULL,
	room         TEXT NOT NULL,
	direction    TEXT NOT NULL,
	at_us        INTEGER NOT NULL,
	tap_id       TEXT NOT NULL,
	kiosk        TEXT NOT NULL DEFAULT '',
	session_id   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (delegate_id, day)
) STRICT;
CREATE INDEX presence_day ON presence(day, room);

-- A room's count emptied by staff: passes up to reset_us on reset_day no
-- longer count. The latest reset wins.
ALTER TABLE rooms ADD COLUMN reset_day TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN reset_us INTEGER NOT NULL DEFAULT 0;
