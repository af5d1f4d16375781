-- Create "calendar_years" table
CREATE TABLE `calendar_years` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `year` integer NOT NULL, `source` text NOT NULL, `arrangement` text NOT NULL, `digest` text NOT NULL, `loaded_by` text NOT NULL, `loaded_at` datetime NOT NULL);
-- Set sequence for "calendar_years" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("calendar_years", 137438953472);
-- Create index "calendaryear_year_loaded_at" to table: "calendar_years"
CREATE INDEX `calendaryear_year_loaded_at` ON `calendar_years` (`year`, `loaded_at`);
