-- Room doors, as in the SQLite venue schema's 0016_room_doors.sql and the
-- SQLite registry's registry_0008_presence.sql: taps name their room and
-- session; each delegate's latest room-door pass of a day (presence)
-- reaches every kiosk through the feed, kind "presence"; a room's count
-- reset by staff travels with the room.
ALTER TABLE taps ADD COLUMN room text NOT NULL DEFAULT '';
ALTER TABLE taps ADD COLUMN session_id text NOT NULL DEFAULT '';
CREATE INDEX taps_session ON taps(session_id, delegate_id, at_us) WHERE session_id <> '';

CREATE TABLE presence (
	delegate_id  text NOT NULL,
	day          text NOT NULL,
	room         text NOT NULL,
	direction    text NOT NULL,
	at_us        bigint NOT NULL,
	tap_id       text NOT NULL,
	kiosk        text NOT NULL DEFAULT '',
	session_id   text NOT NULL DEFAULT '',
	PRIMARY KEY (delegate_id, day)
);
CREATE INDEX presence_day ON presence(day, room);

CREATE TRIGGER presence_log_ins AFTER INSERT ON presence REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION log_rows('presence', 'delegate_id', 'day');
CREATE TRIGGER presence_log_upd AFTER UPDATE ON presence REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION log_rows('presence', 'delegate_id', 'day');

ALTER TABLE rooms ADD COLUMN reset_day text NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN reset_us bigint NOT NULL DEFAULT 0;
