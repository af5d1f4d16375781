-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_import_jobs" table
CREATE TABLE `new_import_jobs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `kind` text NOT NULL, `file_name` text NOT NULL, `file_sha256` text NOT NULL, `encoding` text NULL, `partial` bool NOT NULL DEFAULT (false), `status` text NOT NULL, `rows_total` integer NOT NULL DEFAULT (0), `rows_rejected` integer NOT NULL DEFAULT (0), `created` integer NOT NULL DEFAULT (0), `updated` integer NOT NULL DEFAULT (0), `unchanged` integer NOT NULL DEFAULT (0), `rows_skipped` integer NOT NULL DEFAULT (0), `added_to_library` integer NOT NULL DEFAULT (0), `summary` text NULL, `report` blob NULL, `department_id` integer NOT NULL, `import_job_library` integer NULL, CONSTRAINT `import_jobs_departments_department` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `import_jobs_target_libraries_library` FOREIGN KEY (`import_job_library`) REFERENCES `target_libraries` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_import_jobs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_import_jobs", 128849018880);
-- Copy rows from old table "import_jobs" to new temporary table "new_import_jobs"
INSERT INTO `new_import_jobs` (`id`, `created_at`, `updated_at`, `division_code`, `kind`, `file_name`, `file_sha256`, `encoding`, `partial`, `status`, `rows_total`, `rows_rejected`, `created`, `updated`, `unchanged`, `report`, `department_id`, `import_job_library`) SELECT `id`, `created_at`, `updated_at`, `division_code`, `kind`, `file_name`, `file_sha256`, `encoding`, `partial`, `status`, `rows_total`, `rows_rejected`, `created`, `updated`, `unchanged`, `report`, `department_id`, `import_job_library` FROM `import_jobs`;
-- Drop "import_jobs" table after copying rows
DROP TABLE `import_jobs`;
-- Rename temporary table "new_import_jobs" to "import_jobs"
ALTER TABLE `new_import_jobs` RENAME TO `import_jobs`;
-- Create index "importjob_division_code" to table: "import_jobs"
CREATE INDEX `importjob_division_code` ON `import_jobs` (`division_code`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
