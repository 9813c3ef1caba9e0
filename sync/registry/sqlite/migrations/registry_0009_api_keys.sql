-- API keys of the venue's other systems are managed at the registry and
-- reach every kiosk through the change feed, kind "apikey" (the key's
-- SHA-256 and whether it is revoked, never the key), so that every kiosk
-- answers GET /api/v1/credentials/{uid}, offline too, and refuses a
-- revoked key as soon as the revocation arrives.
CREATE TRIGGER api_keys_ins AFTER INSERT ON api_keys BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('apikey', NEW.name, 'upsert'); END;
CREATE TRIGGER api_keys_upd AFTER UPDATE ON api_keys
	WHEN NEW.key_hash IS NOT OLD.key_hash OR (NEW.revoked_us = 0) IS NOT (OLD.revoked_us = 0) BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('apikey', NEW.name, 'upsert'); END;
CREATE TRIGGER api_keys_del AFTER DELETE ON api_keys BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('apikey', OLD.name, 'delete'); END;

INSERT INTO changes (kind, key, op) SELECT 'apikey', name, 'upsert' FROM api_keys ORDER BY name;
