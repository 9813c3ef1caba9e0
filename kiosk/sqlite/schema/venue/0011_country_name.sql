-- The roster's country_name: a delegate's country or organisation as the
-- roster writes it ("Holy See", "European Union"), shown instead of the
-- UN name of the country code. '' for most delegates.
ALTER TABLE delegates ADD COLUMN country_name TEXT NOT NULL DEFAULT '';
