-- Delegates' photos reach every kiosk through the change feed, kind
-- "photo": the mapping of a delegate to the hash of their photo, never the
-- bytes, which kiosks fetch by hash (GET /sync/v1/photos/{sha256}).
CREATE TRIGGER delegate_photos_ins AFTER INSERT ON delegate_photos BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('photo', NEW.delegate_id, 'upsert'); END;
CREATE TRIGGER delegate_photos_upd AFTER UPDATE ON delegate_photos WHEN NEW.sha256 <> OLD.sha256 BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('photo', NEW.delegate_id, 'upsert'); END;
CREATE TRIGGER delegate_photos_del AFTER DELETE ON delegate_photos BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('photo', OLD.delegate_id, 'delete'); END;
