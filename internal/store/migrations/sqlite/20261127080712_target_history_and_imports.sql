-- Create "import_jobs" table
CREATE TABLE `import_jobs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `kind` text NOT NULL, `file_name` text NOT NULL, `file_sha256` text NOT NULL, `encoding` text NULL, `partial` bool NOT NULL DEFAULT (false), `status` text NOT NULL, `rows_total` integer NOT NULL DEFAULT (0), `rows_rejected` integer NOT NULL DEFAULT (0), `created` integer NOT NULL DEFAULT (0), `updated` integer NOT NULL DEFAULT (0), `unchanged` integer NOT NULL DEFAULT (0), `report` blob NULL, `department_id` integer NOT NULL, `import_job_library` integer NULL, CONSTRAINT `import_jobs_departments_department` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `import_jobs_target_libraries_library` FOREIGN KEY (`import_job_library`) REFERENCES `target_libraries` (`id`) ON DELETE SET NULL);
-- Set sequence for "import_jobs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("import_jobs", 128849018880);
-- Create index "importjob_division_code" to table: "import_jobs"
CREATE INDEX `importjob_division_code` ON `import_jobs` (`division_code`);
-- Create "target_changes" table
CREATE TABLE `target_changes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `division_code` text NOT NULL DEFAULT ('370921'), `at` datetime NOT NULL, `actor` text NOT NULL, `department_code` text NULL, `source` text NOT NULL, `changes` json NOT NULL, `target_id` integer NOT NULL, CONSTRAINT `target_changes_targets_history` FOREIGN KEY (`target_id`) REFERENCES `targets` (`id`) ON DELETE NO ACTION);
-- Set sequence for "target_changes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("target_changes", 133143986176);
-- Create index "targetchange_division_code" to table: "target_changes"
CREATE INDEX `targetchange_division_code` ON `target_changes` (`division_code`);
-- Create index "targetchange_target_id_at" to table: "target_changes"
CREATE INDEX `targetchange_target_id_at` ON `target_changes` (`target_id`, `at`);
