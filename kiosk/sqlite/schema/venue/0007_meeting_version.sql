-- The meeting's settings set for the first time (a new kiosk's first sync,
-- a first import) move the schedule version too, as a later change does:
-- screens and pass checks follow the meeting's zone and id at once.
CREATE TRIGGER meeting_version_ins AFTER INSERT ON settings WHEN NEW.key LIKE 'meeting.%' BEGIN
	UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'schedule.version'; END;
