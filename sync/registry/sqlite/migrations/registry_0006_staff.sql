-- Staff logins are managed at the registry and reach every kiosk through
-- the change feed, kind "staff" (the argon2id hash, never a password): a
-- clerk who moves to another desk signs in there too. Removing a login
-- removes it everywhere.
CREATE TRIGGER staff_ins AFTER INSERT ON staff BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('staff', NEW.username, 'upsert'); END;
CREATE TRIGGER staff_upd AFTER UPDATE ON staff WHEN NEW.role IS NOT OLD.role OR NEW.password_hash IS NOT OLD.password_hash BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('staff', NEW.username, 'upsert'); END;
CREATE TRIGGER staff_del AFTER DELETE ON staff BEGIN
	INSERT INTO changes (kind, key, op) VALUES ('staff', OLD.username, 'delete'); END;

INSERT INTO changes (kind, key, op) SELECT 'staff', username, 'upsert' FROM staff ORDER BY username;
