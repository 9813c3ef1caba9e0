-- The name in Latin letters as the delegate's passport or the registration
-- system spells it (roster columns latin_family_name, latin_given_name):
-- the badge's second line, and searched by the desk. '' when not given.
ALTER TABLE delegates ADD COLUMN latin_family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE delegates ADD COLUMN latin_given_name TEXT NOT NULL DEFAULT '';
