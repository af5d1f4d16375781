-- Create "access_logs" table
CREATE TABLE `access_logs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `division_code` text NOT NULL DEFAULT ('370921'), `read_at` datetime NOT NULL, `actor` text NOT NULL, `viewer_department_id` integer NULL, `account_id` integer NULL, `token_id` integer NULL, `operation` text NULL, `entity_type` text NOT NULL, `fields` json NOT NULL, `record_count` integer NOT NULL, `purpose` text NULL, `grant_id` integer NULL, `owner_id` integer NOT NULL, CONSTRAINT `access_logs_departments_owner` FOREIGN KEY (`owner_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION);
-- Set sequence for "access_logs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("access_logs", 176093659136);
-- Create index "accesslog_division_code" to table: "access_logs"
CREATE INDEX `accesslog_division_code` ON `access_logs` (`division_code`);
-- Create index "accesslog_owner_id_read_at" to table: "access_logs"
CREATE INDEX `accesslog_owner_id_read_at` ON `access_logs` (`owner_id`, `read_at`);
-- Create "persisted_queries" table
CREATE TABLE `persisted_queries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `hash` text NOT NULL, `name` text NOT NULL, `query` text NOT NULL, `department_id` integer NOT NULL, `persisted_query_created_by` integer NULL, CONSTRAINT `persisted_queries_departments_department` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `persisted_queries_accounts_created_by` FOREIGN KEY (`persisted_query_created_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL);
-- Set sequence for "persisted_queries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("persisted_queries", 180388626432);
-- Create index "persisted_queries_hash_key" to table: "persisted_queries"
CREATE UNIQUE INDEX `persisted_queries_hash_key` ON `persisted_queries` (`hash`);
-- Create index "persistedquery_division_code" to table: "persisted_queries"
CREATE INDEX `persistedquery_division_code` ON `persisted_queries` (`division_code`);
-- Create "share_grants" table
CREATE TABLE `share_grants` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `group` text NOT NULL, `purpose` text NOT NULL, `expires_at` datetime NOT NULL, `status` text NOT NULL DEFAULT ('PENDING'), `decided_at` datetime NULL, `decision_note` text NULL, `revoked_at` datetime NULL, `requester_id` integer NOT NULL, `owner_id` integer NOT NULL, `share_grant_requested_by` integer NULL, `share_grant_decided_by` integer NULL, CONSTRAINT `share_grants_departments_requester` FOREIGN KEY (`requester_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `share_grants_departments_owner` FOREIGN KEY (`owner_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `share_grants_accounts_requested_by` FOREIGN KEY (`share_grant_requested_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `share_grants_accounts_decided_by` FOREIGN KEY (`share_grant_decided_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL);
-- Set sequence for "share_grants" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("share_grants", 184683593728);
-- Create index "sharegrant_division_code" to table: "share_grants"
CREATE INDEX `sharegrant_division_code` ON `share_grants` (`division_code`);
-- Create index "sharegrant_requester_id_owner_id_group_status" to table: "share_grants"
CREATE INDEX `sharegrant_requester_id_owner_id_group_status` ON `share_grants` (`requester_id`, `owner_id`, `group`, `status`);
