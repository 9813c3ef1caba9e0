-- A counter that moves with every change to the schedule, whoever makes it
-- (this kiosk, sync, or `checkin import schedule` in another process), so
-- a running kiosk can tell its screens within a moment.
INSERT INTO settings (key, value) VALUES ('schedule.version', '0') ON CONFLICT (key) DO NOTHING;

CREATE TRIGGER sessions_version_ins AFTER INSERT ON sessions BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
CREATE TRIGGER sessions_version_upd AFTER UPDATE ON sessions BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
CREATE TRIGGER sessions_version_del AFTER DELETE ON sessions BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
CREATE TRIGGER rooms_version_ins AFTER INSERT ON rooms BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
CREATE TRIGGER rooms_version_upd AFTER UPDATE ON rooms BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
CREATE TRIGGER rooms_version_del AFTER DELETE ON rooms BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
CREATE TRIGGER meeting_version AFTER UPDATE ON settings WHEN NEW.key LIKE 'meeting.%' AND NEW.value IS NOT OLD.value BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
