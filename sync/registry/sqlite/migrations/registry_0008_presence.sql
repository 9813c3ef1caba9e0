-- Room doors: each delegate's latest pass through a room door on a day
-- (table presence, from the venue schema) reaches every kiosk through the
-- change feed, kind "presence", keyed by delegate and day. A room's count
-- reset travels with the room (its rows' update fires rooms_upd).
CREATE TRIGGER presence_ins AFTER INSERT ON presence BEGIN
	INSERT INTO changes (kind, key, key2, op) VALUES ('presence', NEW.delegate_id, NEW.day, 'upsert'); END;
CREATE TRIGGER presence_upd AFTER UPDATE ON presence BEGIN
	INSERT INTO changes (kind, key, key2, op) VALUES ('presence', NEW.delegate_id, NEW.day, 'upsert'); END;
