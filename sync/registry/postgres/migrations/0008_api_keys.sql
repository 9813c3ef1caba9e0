-- API keys of the venue's other systems, as in the SQLite venue schema's
-- 0017_api_keys.sql: only a key's SHA-256 is kept; a revoked key keeps its
-- row (revoked_us <> 0). The change log carries them to every kiosk (kind
-- "apikey"), as the SQLite registry's registry_0009_api_keys.sql does:
-- logged when the hash changes or the key is revoked or restored. Few
-- rows, conditions per row: row triggers, as for staff.
CREATE TABLE api_keys (
	name        text PRIMARY KEY,
	key_hash    text NOT NULL,
	created_us  bigint NOT NULL,
	revoked_us  bigint NOT NULL DEFAULT 0,
	source      text NOT NULL DEFAULT 'local'
);

CREATE TRIGGER api_keys_log_ins AFTER INSERT OR DELETE ON api_keys
	FOR EACH ROW EXECUTE FUNCTION log_row('apikey', 'name');
CREATE TRIGGER api_keys_log_upd AFTER UPDATE ON api_keys
	FOR EACH ROW WHEN (NEW.key_hash IS DISTINCT FROM OLD.key_hash OR (NEW.revoked_us = 0) IS DISTINCT FROM (OLD.revoked_us = 0))
	EXECUTE FUNCTION log_row('apikey', 'name');
