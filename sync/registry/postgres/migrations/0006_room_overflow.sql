-- The room to send people to when a room is full, as in the SQLite venue
-- schema's 0015_room_overflow.sql; '' for none.
ALTER TABLE rooms ADD COLUMN overflow text NOT NULL DEFAULT '';
