-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create index "auditevent_at" to table: "audit_events"
CREATE INDEX `auditevent_at` ON `audit_events` (`at`);
-- Create "new_departments" table
CREATE TABLE `new_departments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `code` text NOT NULL, `name` text NOT NULL, `short_name` text NULL, `uscc` text NULL, `is_office` bool NOT NULL DEFAULT (false), `sort_order` integer NOT NULL DEFAULT (0));
-- Set sequence for "new_departments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_departments", 21474836480);
-- Copy rows from old table "departments" to new temporary table "new_departments"
INSERT INTO `new_departments` (`id`, `created_at`, `updated_at`, `division_code`, `code`, `name`, `short_name`, `is_office`, `sort_order`) SELECT `id`, `created_at`, `updated_at`, `division_code`, `code`, `name`, `short_name`, `is_office`, `sort_order` FROM `departments`;
-- Drop "departments" table after copying rows
DROP TABLE `departments`;
-- Rename temporary table "new_departments" to "departments"
ALTER TABLE `new_departments` RENAME TO `departments`;
-- Create index "departments_code_key" to table: "departments"
CREATE UNIQUE INDEX `departments_code_key` ON `departments` (`code`);
-- Create index "departments_uscc_key" to table: "departments"
CREATE UNIQUE INDEX `departments_uscc_key` ON `departments` (`uscc`);
-- Create index "department_division_code" to table: "departments"
CREATE INDEX `department_division_code` ON `departments` (`division_code`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
