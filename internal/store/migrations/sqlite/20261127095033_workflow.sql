-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Add column "signing_key_sealed" to table: "accounts"
ALTER TABLE `accounts` ADD COLUMN `signing_key_sealed` blob NULL;
-- Add column "commitment" to table: "draws"
ALTER TABLE `draws` ADD COLUMN `commitment` text NULL;
-- Create "new_plans" table
CREATE TABLE `new_plans` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `number` text NOT NULL, `version` integer NOT NULL DEFAULT (1), `year` integer NOT NULL, `name` text NOT NULL, `county_wide` bool NOT NULL DEFAULT (false), `status` text NOT NULL DEFAULT ('DRAFT'), `adjustment_reason` text NULL, `filed_at` datetime NULL, `late_filing` bool NOT NULL DEFAULT (false), `published_at` datetime NULL, `department_id` integer NOT NULL, `previous_id` integer NULL, CONSTRAINT `plans_departments_plans` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `plans_plans_next` FOREIGN KEY (`previous_id`) REFERENCES `plans` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_plans" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_plans", 85899345920);
-- Copy rows from old table "plans" to new temporary table "new_plans"
INSERT INTO `new_plans` (`id`, `created_at`, `updated_at`, `division_code`, `number`, `version`, `year`, `name`, `county_wide`, `status`, `adjustment_reason`, `published_at`, `department_id`, `previous_id`) SELECT `id`, `created_at`, `updated_at`, `division_code`, `number`, `version`, `year`, `name`, `county_wide`, `status`, `adjustment_reason`, `published_at`, `department_id`, `previous_id` FROM `plans`;
-- Drop "plans" table after copying rows
DROP TABLE `plans`;
-- Rename temporary table "new_plans" to "plans"
ALTER TABLE `new_plans` RENAME TO `plans`;
-- Create index "plan_division_code" to table: "plans"
CREATE INDEX `plan_division_code` ON `plans` (`division_code`);
-- Create index "plan_number_version" to table: "plans"
CREATE UNIQUE INDEX `plan_number_version` ON `plans` (`number`, `version`);
-- Create index "plan_year" to table: "plans"
CREATE INDEX `plan_year` ON `plans` (`year`);
-- Create "new_results" table
CREATE TABLE `new_results` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `status` text NOT NULL DEFAULT ('DRAFT'), `version` integer NOT NULL DEFAULT (1), `inspection_end_date` datetime NULL, `due_date` datetime NULL, `summary` text NULL, `review_note` text NULL, `abnormal_flag` bool NOT NULL DEFAULT (false), `idempotency_key` text NULL, `submitted_at` datetime NULL, `approved_at` datetime NULL, `published_at` datetime NULL, `department_id` integer NOT NULL, `team_id` integer NULL, `follow_up_id` integer NULL, `adopted_from_id` integer NULL, `result_entered_by` integer NULL, `result_approved_by` integer NULL, `target_id` integer NOT NULL, `task_id` integer NOT NULL, CONSTRAINT `results_departments_results` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `results_inspection_teams_results` FOREIGN KEY (`team_id`) REFERENCES `inspection_teams` (`id`) ON DELETE SET NULL, CONSTRAINT `results_follow_up_options_follow_up` FOREIGN KEY (`follow_up_id`) REFERENCES `follow_up_options` (`id`) ON DELETE SET NULL, CONSTRAINT `results_results_adopted_by` FOREIGN KEY (`adopted_from_id`) REFERENCES `results` (`id`) ON DELETE SET NULL, CONSTRAINT `results_accounts_entered_by` FOREIGN KEY (`result_entered_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `results_accounts_approved_by` FOREIGN KEY (`result_approved_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `results_targets_results` FOREIGN KEY (`target_id`) REFERENCES `targets` (`id`) ON DELETE NO ACTION, CONSTRAINT `results_tasks_results` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE NO ACTION);
-- Set sequence for "new_results" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_results", 98784247808);
-- Copy rows from old table "results" to new temporary table "new_results"
INSERT INTO `new_results` (`id`, `created_at`, `updated_at`, `division_code`, `status`, `version`, `inspection_end_date`, `due_date`, `summary`, `review_note`, `idempotency_key`, `submitted_at`, `approved_at`, `published_at`, `department_id`, `team_id`, `follow_up_id`, `adopted_from_id`, `result_entered_by`, `result_approved_by`, `target_id`, `task_id`) SELECT `id`, `created_at`, `updated_at`, `division_code`, `status`, `version`, `inspection_end_date`, `due_date`, `summary`, `review_note`, `idempotency_key`, `submitted_at`, `approved_at`, `published_at`, `department_id`, `team_id`, `follow_up_id`, `adopted_from_id`, `result_entered_by`, `result_approved_by`, `target_id`, `task_id` FROM `results`;
-- Drop "results" table after copying rows
DROP TABLE `results`;
-- Rename temporary table "new_results" to "results"
ALTER TABLE `new_results` RENAME TO `results`;
-- Create index "results_idempotency_key_key" to table: "results"
CREATE UNIQUE INDEX `results_idempotency_key_key` ON `results` (`idempotency_key`);
-- Create index "result_division_code" to table: "results"
CREATE INDEX `result_division_code` ON `results` (`division_code`);
-- Create index "result_task_id_target_id_department_id_version" to table: "results"
CREATE UNIQUE INDEX `result_task_id_target_id_department_id_version` ON `results` (`task_id`, `target_id`, `department_id`, `version`);
-- Create index "result_target_id" to table: "results"
CREATE INDEX `result_target_id` ON `results` (`target_id`);
-- Create index "result_status_due_date" to table: "results"
CREATE INDEX `result_status_due_date` ON `results` (`status`, `due_date`);
-- Create "new_tasks" table
CREATE TABLE `new_tasks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `number` text NOT NULL, `name` text NOT NULL, `kind` text NOT NULL DEFAULT ('UNTARGETED'), `special` bool NOT NULL DEFAULT (false), `status` text NOT NULL DEFAULT ('DRAFT'), `scope` json NULL, `strata` json NULL, `window_start` datetime NOT NULL, `window_end` datetime NOT NULL, `announced_target_count` integer NULL, `announced_at` datetime NULL, `stratify_by` json NULL, `team_size` integer NOT NULL DEFAULT (2), `experts_per_team` integer NOT NULL DEFAULT (0), `max_per_inspector` integer NOT NULL DEFAULT (0), `rotation_months` integer NOT NULL DEFAULT (12), `recent_months` integer NOT NULL DEFAULT (6), `yearly_cap` integer NOT NULL DEFAULT (2), `initiator_id` integer NOT NULL, `batch_id` integer NULL, CONSTRAINT `tasks_departments_initiated_tasks` FOREIGN KEY (`initiator_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `tasks_plan_batches_tasks` FOREIGN KEY (`batch_id`) REFERENCES `plan_batches` (`id`) ON DELETE SET NULL);
-- Set sequence for "new_tasks" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_tasks", 120259084288);
-- Copy rows from old table "tasks" to new temporary table "new_tasks"
INSERT INTO `new_tasks` (`id`, `created_at`, `updated_at`, `division_code`, `number`, `name`, `kind`, `special`, `status`, `scope`, `strata`, `window_start`, `window_end`, `announced_target_count`, `announced_at`, `initiator_id`, `batch_id`) SELECT `id`, `created_at`, `updated_at`, `division_code`, `number`, `name`, `kind`, `special`, `status`, `scope`, `strata`, `window_start`, `window_end`, `announced_target_count`, `announced_at`, `initiator_id`, `batch_id` FROM `tasks`;
-- Drop "tasks" table after copying rows
DROP TABLE `tasks`;
-- Rename temporary table "new_tasks" to "tasks"
ALTER TABLE `new_tasks` RENAME TO `tasks`;
-- Create index "tasks_number_key" to table: "tasks"
CREATE UNIQUE INDEX `tasks_number_key` ON `tasks` (`number`);
-- Create index "task_division_code" to table: "tasks"
CREATE INDEX `task_division_code` ON `tasks` (`division_code`);
-- Create "draw_events" table
CREATE TABLE `draw_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `division_code` text NOT NULL DEFAULT ('370921'), `seq` integer NOT NULL, `kind` text NOT NULL, `at` datetime NOT NULL, `actor` text NOT NULL, `target_key` text NULL, `inspectors` json NULL, `replacement_key` text NULL, `reason` text NULL, `draw_id` integer NOT NULL, CONSTRAINT `draw_events_draws_events` FOREIGN KEY (`draw_id`) REFERENCES `draws` (`id`) ON DELETE NO ACTION);
-- Set sequence for "draw_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("draw_events", 141733920768);
-- Create index "drawevent_division_code" to table: "draw_events"
CREATE INDEX `drawevent_division_code` ON `draw_events` (`division_code`);
-- Create index "drawevent_draw_id_seq" to table: "draw_events"
CREATE UNIQUE INDEX `drawevent_draw_id_seq` ON `draw_events` (`draw_id`, `seq`);
-- Create "draw_snapshots" table
CREATE TABLE `draw_snapshots` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `draw_id` integer NOT NULL, `data` blob NOT NULL, `sha256` text NOT NULL, `size` integer NOT NULL, `created_at` datetime NOT NULL);
-- Set sequence for "draw_snapshots" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("draw_snapshots", 146028888064);
-- Create index "draw_snapshots_draw_id_key" to table: "draw_snapshots"
CREATE UNIQUE INDEX `draw_snapshots_draw_id_key` ON `draw_snapshots` (`draw_id`);
-- Create "follow_up_actions" table
CREATE TABLE `follow_up_actions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `status` text NOT NULL DEFAULT ('OPEN'), `judicial_transfer` bool NOT NULL DEFAULT (false), `receiving_unit` text NULL, `transferred_on` datetime NULL, `done_on` datetime NULL, `note` text NULL, `option_id` integer NOT NULL, `result_id` integer NOT NULL, CONSTRAINT `follow_up_actions_follow_up_options_option` FOREIGN KEY (`option_id`) REFERENCES `follow_up_options` (`id`) ON DELETE NO ACTION, CONSTRAINT `follow_up_actions_results_follow_ups` FOREIGN KEY (`result_id`) REFERENCES `results` (`id`) ON DELETE NO ACTION);
-- Set sequence for "follow_up_actions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("follow_up_actions", 163208757248);
-- Create index "followupaction_division_code" to table: "follow_up_actions"
CREATE INDEX `followupaction_division_code` ON `follow_up_actions` (`division_code`);
-- Create "lead_clusters" table
CREATE TABLE `lead_clusters` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `key` text NOT NULL, `dimension` text NOT NULL, `value` text NOT NULL, `window_start` datetime NOT NULL, `window_end` datetime NOT NULL, `lead_count` integer NOT NULL, `status` text NOT NULL DEFAULT ('OFFERED'), `note` text NULL, `item_id` integer NOT NULL, `task_id` integer NULL, CONSTRAINT `lead_clusters_inspection_items_item` FOREIGN KEY (`item_id`) REFERENCES `inspection_items` (`id`) ON DELETE NO ACTION, CONSTRAINT `lead_clusters_tasks_task` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE SET NULL);
-- Set sequence for "lead_clusters" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("lead_clusters", 150323855360);
-- Create index "lead_clusters_key_key" to table: "lead_clusters"
CREATE UNIQUE INDEX `lead_clusters_key_key` ON `lead_clusters` (`key`);
-- Create index "leadcluster_division_code" to table: "lead_clusters"
CREATE INDEX `leadcluster_division_code` ON `lead_clusters` (`division_code`);
-- Create "notifications" table
CREATE TABLE `notifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `message` text NOT NULL, `read_at` datetime NULL, `from_department_id` integer NOT NULL, `to_department_id` integer NOT NULL, `result_id` integer NULL, CONSTRAINT `notifications_departments_from_department` FOREIGN KEY (`from_department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `notifications_departments_to_department` FOREIGN KEY (`to_department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `notifications_results_result` FOREIGN KEY (`result_id`) REFERENCES `results` (`id`) ON DELETE SET NULL);
-- Set sequence for "notifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notifications", 154618822656);
-- Create index "notification_division_code" to table: "notifications"
CREATE INDEX `notification_division_code` ON `notifications` (`division_code`);
-- Create "settings" table
CREATE TABLE `settings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `key` text NOT NULL, `value` text NOT NULL, `note` text NULL);
-- Set sequence for "settings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("settings", 158913789952);
-- Create index "settings_key_key" to table: "settings"
CREATE UNIQUE INDEX `settings_key_key` ON `settings` (`key`);
-- Create "lead_cluster_leads" table
CREATE TABLE `lead_cluster_leads` (`lead_cluster_id` integer NOT NULL, `lead_id` integer NOT NULL, PRIMARY KEY (`lead_cluster_id`, `lead_id`), CONSTRAINT `lead_cluster_leads_lead_cluster_id` FOREIGN KEY (`lead_cluster_id`) REFERENCES `lead_clusters` (`id`) ON DELETE CASCADE, CONSTRAINT `lead_cluster_leads_lead_id` FOREIGN KEY (`lead_id`) REFERENCES `leads` (`id`) ON DELETE CASCADE);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
