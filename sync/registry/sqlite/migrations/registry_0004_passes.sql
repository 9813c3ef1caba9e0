-- The newest pass of each delegate that kiosks announced (the venue's
-- passes table) goes to every kiosk through the change feed, kind "pass",
-- so that a newer pass issued anywhere supersedes the older ones
-- everywhere.
CREATE TRIGGER passes_ins AFTER INSERT ON passes BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('pass', NEW.delegate_id, 'upsert'); END;
CREATE TRIGGER passes_upd AFTER UPDATE ON passes BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('pass', NEW.delegate_id, 'upsert'); END;
CREATE TRIGGER passes_del AFTER DELETE ON passes BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('pass', OLD.delegate_id, 'delete'); END;

INSERT INTO changes (kind, key, op) SELECT 'pass', delegate_id, 'upsert' FROM passes ORDER BY delegate_id;
