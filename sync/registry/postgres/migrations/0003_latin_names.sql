-- The name in Latin letters as the delegate's passport or the registration
-- system spells it (roster columns latin_family_name, latin_given_name),
-- as in the SQLite venue schema's 0011_latin_names.sql. '' when not given.
ALTER TABLE delegates ADD COLUMN latin_family_name text NOT NULL DEFAULT '';
ALTER TABLE delegates ADD COLUMN latin_given_name text NOT NULL DEFAULT '';
