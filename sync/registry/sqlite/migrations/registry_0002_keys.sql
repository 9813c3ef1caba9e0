-- Public keys that sign QR passes (the registry's own and each kiosk's)
-- go to every kiosk through the change feed, kind "key".
CREATE TRIGGER pass_keys_ins AFTER INSERT ON pass_keys BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('key', NEW.id, 'upsert'); END;
CREATE TRIGGER pass_keys_upd AFTER UPDATE ON pass_keys BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('key', NEW.id, 'upsert'); END;
CREATE TRIGGER pass_keys_del AFTER DELETE ON pass_keys BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('key', OLD.id, 'delete'); END;

INSERT INTO changes (kind, key, op) SELECT 'key', id, 'upsert' FROM pass_keys ORDER BY id;
