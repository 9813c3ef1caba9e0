-- The room to send people to when a room is full (`checkin import rooms`,
-- column overflow); '' for none. Not a foreign key: a room is only ever
-- named, and a kiosk applies the feed's rooms in any order.
ALTER TABLE rooms ADD COLUMN overflow TEXT NOT NULL DEFAULT '';
