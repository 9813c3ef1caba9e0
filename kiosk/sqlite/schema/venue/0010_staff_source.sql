-- Where a login comes from: made in this data directory ('local'), or
-- managed at the registry and received through the change feed
-- ('registry'). A kiosk's local logins keep working when it stands alone.
ALTER TABLE staff ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
