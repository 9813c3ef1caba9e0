-- The newest QR pass known for each delegate, wherever it was issued: this
-- kiosk's desk, another kiosk's (from the registry's feed, kind "pass"),
-- or a pass shown at an entrance. Any older pass of the delegate is
-- superseded (revoked_badge). Newest: the later issue time, then the
-- greater UID. At the registry, the newest of all kiosks' announcements.
CREATE TABLE passes (
	delegate_id  TEXT PRIMARY KEY,
	uid          TEXT NOT NULL,
	issued_us    INTEGER NOT NULL,
	kiosk        TEXT NOT NULL DEFAULT ''   -- where it was issued, when known
) STRICT, WITHOUT ROWID;
