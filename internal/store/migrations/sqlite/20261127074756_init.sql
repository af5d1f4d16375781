-- Create "accounts" table
CREATE TABLE `accounts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `username` text NOT NULL, `display_name` text NOT NULL, `password_hash` text NOT NULL, `roles` json NOT NULL, `active` bool NOT NULL DEFAULT (true), `failed_logins` integer NOT NULL DEFAULT (0), `locked_until` datetime NULL, `last_login_at` datetime NULL, `signing_public_key` blob NULL, `inspector_id` integer NULL, `department_id` integer NULL, CONSTRAINT `accounts_inspectors_inspector` FOREIGN KEY (`inspector_id`) REFERENCES `inspectors` (`id`) ON DELETE SET NULL, CONSTRAINT `accounts_departments_accounts` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL);
-- Create index "accounts_username_key" to table: "accounts"
CREATE UNIQUE INDEX `accounts_username_key` ON `accounts` (`username`);
-- Create index "account_division_code" to table: "accounts"
CREATE INDEX `account_division_code` ON `accounts` (`division_code`);
-- Create "api_tokens" table
CREATE TABLE `api_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `name` text NOT NULL, `prefix` text NOT NULL, `secret_hash` text NOT NULL, `roles` json NOT NULL, `scopes` json NOT NULL, `expires_at` datetime NULL, `revoked_at` datetime NULL, `last_used_at` datetime NULL, `department_id` integer NOT NULL, CONSTRAINT `api_tokens_departments_api_tokens` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION);
-- Set sequence for "api_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("api_tokens", 4294967296);
-- Create index "api_tokens_prefix_key" to table: "api_tokens"
CREATE UNIQUE INDEX `api_tokens_prefix_key` ON `api_tokens` (`prefix`);
-- Create index "apitoken_division_code" to table: "api_tokens"
CREATE INDEX `apitoken_division_code` ON `api_tokens` (`division_code`);
-- Create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `seq` integer NOT NULL, `at` datetime NOT NULL, `actor` text NOT NULL, `department_code` text NULL, `action` text NOT NULL, `entity_type` text NOT NULL, `entity_id` integer NOT NULL, `before_digest` text NULL, `after_digest` text NULL, `operation` text NULL, `prev_hash` text NOT NULL, `hash` text NOT NULL);
-- Set sequence for "audit_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("audit_events", 8589934592);
-- Create index "audit_events_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX `audit_events_seq_key` ON `audit_events` (`seq`);
-- Create index "auditevent_entity_type_entity_id" to table: "audit_events"
CREATE INDEX `auditevent_entity_type_entity_id` ON `audit_events` (`entity_type`, `entity_id`);
-- Create "conflicts" table
CREATE TABLE `conflicts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `relation` text NOT NULL, `reason` text NOT NULL, `declared_at` datetime NOT NULL, `active` bool NOT NULL DEFAULT (true), `inspector_id` integer NOT NULL, `target_id` integer NOT NULL, CONSTRAINT `conflicts_inspectors_conflicts` FOREIGN KEY (`inspector_id`) REFERENCES `inspectors` (`id`) ON DELETE NO ACTION, CONSTRAINT `conflicts_targets_conflicts` FOREIGN KEY (`target_id`) REFERENCES `targets` (`id`) ON DELETE NO ACTION);
-- Set sequence for "conflicts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("conflicts", 12884901888);
-- Create index "conflict_division_code" to table: "conflicts"
CREATE INDEX `conflict_division_code` ON `conflicts` (`division_code`);
-- Create index "conflict_inspector_id_target_id" to table: "conflicts"
CREATE INDEX `conflict_inspector_id_target_id` ON `conflicts` (`inspector_id`, `target_id`);
-- Create "corrections" table
CREATE TABLE `corrections` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `reason` text NOT NULL, `digest` text NULL, `signature_algorithm` text NOT NULL DEFAULT ('ED25519'), `signature` text NULL, `signed_at` datetime NULL, `published_at` datetime NULL, `corrected_id` integer NOT NULL, `correction_signed_by` integer NULL, `original_id` integer NOT NULL, CONSTRAINT `corrections_results_corrected` FOREIGN KEY (`corrected_id`) REFERENCES `results` (`id`) ON DELETE NO ACTION, CONSTRAINT `corrections_accounts_signed_by` FOREIGN KEY (`correction_signed_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `corrections_results_corrections` FOREIGN KEY (`original_id`) REFERENCES `results` (`id`) ON DELETE NO ACTION);
-- Set sequence for "corrections" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("corrections", 17179869184);
-- Create index "correction_division_code" to table: "corrections"
CREATE INDEX `correction_division_code` ON `corrections` (`division_code`);
-- Create "departments" table
CREATE TABLE `departments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `code` text NOT NULL, `name` text NOT NULL, `short_name` text NULL, `is_office` bool NOT NULL DEFAULT (false), `sort_order` integer NOT NULL DEFAULT (0));
-- Set sequence for "departments" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("departments", 21474836480);
-- Create index "departments_code_key" to table: "departments"
CREATE UNIQUE INDEX `departments_code_key` ON `departments` (`code`);
-- Create index "department_division_code" to table: "departments"
CREATE INDEX `department_division_code` ON `departments` (`division_code`);
-- Create "draws" table
CREATE TABLE `draws` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `seq` integer NOT NULL, `status` text NOT NULL DEFAULT ('FROZEN'), `algorithm_version` text NOT NULL DEFAULT ('ssgk-draw/v1'), `frame_root` text NULL, `frame_size` integer NOT NULL DEFAULT (0), `parameters` json NULL, `inspector_pool_digest` text NULL, `secret_hash` text NULL, `secret` text NULL, `commitment_digest` text NULL, `committed_at` datetime NULL, `external_entropy` text NULL, `seed` text NULL, `drawn_at` datetime NULL, `revealed_at` datetime NULL, `reason` text NULL, `supersedes_id` integer NULL, `task_id` integer NOT NULL, CONSTRAINT `draws_draws_superseded_by` FOREIGN KEY (`supersedes_id`) REFERENCES `draws` (`id`) ON DELETE SET NULL, CONSTRAINT `draws_tasks_draws` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE NO ACTION);
-- Set sequence for "draws" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("draws", 25769803776);
-- Create index "draw_division_code" to table: "draws"
CREATE INDEX `draw_division_code` ON `draws` (`division_code`);
-- Create index "draw_task_id_seq" to table: "draws"
CREATE UNIQUE INDEX `draw_task_id_seq` ON `draws` (`task_id`, `seq`);
-- Create "evidences" table
CREATE TABLE `evidences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `file_name` text NOT NULL, `content_type` text NOT NULL, `size` integer NOT NULL, `sha256` text NOT NULL, `evidence_uploaded_by` integer NULL, `result_id` integer NOT NULL, CONSTRAINT `evidences_accounts_uploaded_by` FOREIGN KEY (`evidence_uploaded_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `evidences_results_evidence` FOREIGN KEY (`result_id`) REFERENCES `results` (`id`) ON DELETE NO ACTION);
-- Set sequence for "evidences" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("evidences", 30064771072);
-- Create index "evidence_division_code" to table: "evidences"
CREATE INDEX `evidence_division_code` ON `evidences` (`division_code`);
-- Create "filings" table
CREATE TABLE `filings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `kind` text NOT NULL, `status` text NOT NULL DEFAULT ('SUBMITTED'), `submitted_at` datetime NOT NULL, `decided_at` datetime NULL, `acknowledgement_no` text NULL, `comment` text NULL, `late` bool NOT NULL DEFAULT (false), `department_id` integer NOT NULL, `filing_submitted_by` integer NULL, `filing_decided_by` integer NULL, `item_list_id` integer NULL, `plan_id` integer NULL, CONSTRAINT `filings_departments_department` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `filings_accounts_submitted_by` FOREIGN KEY (`filing_submitted_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `filings_accounts_decided_by` FOREIGN KEY (`filing_decided_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `filings_item_lists_filings` FOREIGN KEY (`item_list_id`) REFERENCES `item_lists` (`id`) ON DELETE SET NULL, CONSTRAINT `filings_plans_filings` FOREIGN KEY (`plan_id`) REFERENCES `plans` (`id`) ON DELETE SET NULL);
-- Set sequence for "filings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("filings", 34359738368);
-- Create index "filing_division_code" to table: "filings"
CREATE INDEX `filing_division_code` ON `filings` (`division_code`);
-- Create "follow_up_options" table
CREATE TABLE `follow_up_options` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code` text NOT NULL, `name` text NOT NULL, `sort_order` integer NOT NULL DEFAULT (0), `active` bool NOT NULL DEFAULT (true), `transfers_case` bool NOT NULL DEFAULT (false));
-- Set sequence for "follow_up_options" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("follow_up_options", 38654705664);
-- Create index "follow_up_options_code_key" to table: "follow_up_options"
CREATE UNIQUE INDEX `follow_up_options_code_key` ON `follow_up_options` (`code`);
-- Create "implementation_rules" table
CREATE TABLE `implementation_rules` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `basis` text NOT NULL, `content` text NOT NULL, `procedure` text NOT NULL, `approval_authority` text NOT NULL, `publication_procedure` text NOT NULL, `archiving` text NOT NULL, `item_id` integer NOT NULL, CONSTRAINT `implementation_rules_inspection_items_rule` FOREIGN KEY (`item_id`) REFERENCES `inspection_items` (`id`) ON DELETE NO ACTION);
-- Set sequence for "implementation_rules" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("implementation_rules", 42949672960);
-- Create index "implementation_rules_item_id_key" to table: "implementation_rules"
CREATE UNIQUE INDEX `implementation_rules_item_id_key` ON `implementation_rules` (`item_id`);
-- Create index "implementationrule_division_code" to table: "implementation_rules"
CREATE INDEX `implementationrule_division_code` ON `implementation_rules` (`division_code`);
-- Create "inspection_items" table
CREATE TABLE `inspection_items` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `code` text NOT NULL, `name` text NOT NULL, `category` text NOT NULL, `legal_basis` text NOT NULL, `responsible_body` text NOT NULL, `target_type` text NOT NULL, `content` text NOT NULL, `ratio_min` real NULL, `ratio_max` real NULL, `frequency` text NOT NULL, `inspector_requirements` text NULL, `required_qualifications` json NOT NULL, `item_list_id` integer NOT NULL, CONSTRAINT `inspection_items_item_lists_items` FOREIGN KEY (`item_list_id`) REFERENCES `item_lists` (`id`) ON DELETE NO ACTION);
-- Set sequence for "inspection_items" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("inspection_items", 47244640256);
-- Create index "inspectionitem_division_code" to table: "inspection_items"
CREATE INDEX `inspectionitem_division_code` ON `inspection_items` (`division_code`);
-- Create index "inspectionitem_item_list_id_code" to table: "inspection_items"
CREATE UNIQUE INDEX `inspectionitem_item_list_id_code` ON `inspection_items` (`item_list_id`, `code`);
-- Create index "inspectionitem_code" to table: "inspection_items"
CREATE INDEX `inspectionitem_code` ON `inspection_items` (`code`);
-- Create "inspection_methods" table
CREATE TABLE `inspection_methods` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code` text NOT NULL, `name` text NOT NULL, `sort_order` integer NOT NULL DEFAULT (0), `active` bool NOT NULL DEFAULT (true));
-- Set sequence for "inspection_methods" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("inspection_methods", 51539607552);
-- Create index "inspection_methods_code_key" to table: "inspection_methods"
CREATE UNIQUE INDEX `inspection_methods_code_key` ON `inspection_methods` (`code`);
-- Create "inspection_teams" table
CREATE TABLE `inspection_teams` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `stratum` text NOT NULL, `ticket` text NOT NULL, `position` integer NOT NULL, `version` integer NOT NULL DEFAULT (1), `status` text NOT NULL DEFAULT ('ACTIVE'), `reason` text NULL, `draw_id` integer NOT NULL, `target_id` integer NOT NULL, CONSTRAINT `inspection_teams_draws_teams` FOREIGN KEY (`draw_id`) REFERENCES `draws` (`id`) ON DELETE NO ACTION, CONSTRAINT `inspection_teams_targets_teams` FOREIGN KEY (`target_id`) REFERENCES `targets` (`id`) ON DELETE NO ACTION);
-- Set sequence for "inspection_teams" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("inspection_teams", 55834574848);
-- Create index "inspectionteam_division_code" to table: "inspection_teams"
CREATE INDEX `inspectionteam_division_code` ON `inspection_teams` (`division_code`);
-- Create index "inspectionteam_draw_id_target_id_version" to table: "inspection_teams"
CREATE UNIQUE INDEX `inspectionteam_draw_id_target_id_version` ON `inspection_teams` (`draw_id`, `target_id`, `version`);
-- Create "inspectors" table
CREATE TABLE `inspectors` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `name` text NOT NULL, `id_number` text NULL, `phone` text NULL, `kind` text NOT NULL DEFAULT ('CIVIL_SERVANT'), `certificate_no` text NULL, `certificate_expires_on` datetime NULL, `qualifications` json NOT NULL, `specialties` json NOT NULL, `is_expert` bool NOT NULL DEFAULT (false), `active` bool NOT NULL DEFAULT (true), `department_id` integer NOT NULL, CONSTRAINT `inspectors_departments_inspectors` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION);
-- Set sequence for "inspectors" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("inspectors", 60129542144);
-- Create index "inspectors_certificate_no_key" to table: "inspectors"
CREATE UNIQUE INDEX `inspectors_certificate_no_key` ON `inspectors` (`certificate_no`);
-- Create index "inspector_division_code" to table: "inspectors"
CREATE INDEX `inspector_division_code` ON `inspectors` (`division_code`);
-- Create index "inspector_department_id_active" to table: "inspectors"
CREATE INDEX `inspector_department_id_active` ON `inspectors` (`department_id`, `active`);
-- Create "item_lists" table
CREATE TABLE `item_lists` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `name` text NOT NULL, `version` integer NOT NULL, `status` text NOT NULL DEFAULT ('DRAFT'), `county_wide` bool NOT NULL DEFAULT (false), `effective_date` datetime NULL, `published_at` datetime NULL, `change_reason` text NULL, `department_id` integer NOT NULL, `previous_id` integer NULL, CONSTRAINT `item_lists_departments_item_lists` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `item_lists_item_lists_next` FOREIGN KEY (`previous_id`) REFERENCES `item_lists` (`id`) ON DELETE SET NULL);
-- Set sequence for "item_lists" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("item_lists", 64424509440);
-- Create index "itemlist_division_code" to table: "item_lists"
CREATE INDEX `itemlist_division_code` ON `item_lists` (`division_code`);
-- Create index "itemlist_department_id_version" to table: "item_lists"
CREATE UNIQUE INDEX `itemlist_department_id_version` ON `item_lists` (`department_id`, `version`);
-- Create "joint_meetings" table
CREATE TABLE `joint_meetings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `name` text NOT NULL, `basis` text NULL, `joint_meeting_office` integer NULL, CONSTRAINT `joint_meetings_departments_office` FOREIGN KEY (`joint_meeting_office`) REFERENCES `departments` (`id`) ON DELETE SET NULL);
-- Set sequence for "joint_meetings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("joint_meetings", 68719476736);
-- Create index "jointmeeting_division_code" to table: "joint_meetings"
CREATE INDEX `jointmeeting_division_code` ON `joint_meetings` (`division_code`);
-- Create "leads" table
CREATE TABLE `leads` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `source` text NOT NULL, `reference_no` text NULL, `received_at` datetime NOT NULL, `summary` text NOT NULL, `description` text NULL, `industry_code` text NULL, `status` text NOT NULL DEFAULT ('RECEIVED'), `outcome` text NULL, `closed_at` datetime NULL, `department_id` integer NULL, `item_id` integer NULL, `target_id` integer NULL, `special_task_id` integer NULL, CONSTRAINT `leads_departments_leads` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `leads_inspection_items_item` FOREIGN KEY (`item_id`) REFERENCES `inspection_items` (`id`) ON DELETE SET NULL, CONSTRAINT `leads_targets_leads` FOREIGN KEY (`target_id`) REFERENCES `targets` (`id`) ON DELETE SET NULL, CONSTRAINT `leads_tasks_leads` FOREIGN KEY (`special_task_id`) REFERENCES `tasks` (`id`) ON DELETE SET NULL);
-- Set sequence for "leads" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("leads", 73014444032);
-- Create index "lead_division_code" to table: "leads"
CREATE INDEX `lead_division_code` ON `leads` (`division_code`);
-- Create "library_confirmations" table
CREATE TABLE `library_confirmations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `confirmed_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `target_count` integer NOT NULL, `inspector_count` integer NOT NULL, `digest` text NOT NULL, `note` text NULL, `department_id` integer NOT NULL, `library_confirmation_confirmed_by` integer NULL, CONSTRAINT `library_confirmations_departments_confirmations` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `library_confirmations_accounts_confirmed_by` FOREIGN KEY (`library_confirmation_confirmed_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL);
-- Set sequence for "library_confirmations" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("library_confirmations", 77309411328);
-- Create index "libraryconfirmation_division_code" to table: "library_confirmations"
CREATE INDEX `libraryconfirmation_division_code` ON `library_confirmations` (`division_code`);
-- Create "meeting_members" table
CREATE TABLE `meeting_members` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `name` text NOT NULL, `role` text NOT NULL DEFAULT ('MEMBER'), `title` text NULL, `office_director` bool NOT NULL DEFAULT (false), `sort_order` integer NOT NULL DEFAULT (0), `department_id` integer NULL, `joint_meeting_members` integer NULL, CONSTRAINT `meeting_members_departments_members` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `meeting_members_joint_meetings_members` FOREIGN KEY (`joint_meeting_members`) REFERENCES `joint_meetings` (`id`) ON DELETE SET NULL);
-- Set sequence for "meeting_members" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("meeting_members", 81604378624);
-- Create index "meetingmember_division_code" to table: "meeting_members"
CREATE INDEX `meetingmember_division_code` ON `meeting_members` (`division_code`);
-- Create index "meetingmember_sort_order" to table: "meeting_members"
CREATE INDEX `meetingmember_sort_order` ON `meeting_members` (`sort_order`);
-- Create "plans" table
CREATE TABLE `plans` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `number` text NOT NULL, `version` integer NOT NULL DEFAULT (1), `year` integer NOT NULL, `name` text NOT NULL, `county_wide` bool NOT NULL DEFAULT (false), `status` text NOT NULL DEFAULT ('DRAFT'), `adjustment_reason` text NULL, `published_at` datetime NULL, `department_id` integer NOT NULL, `previous_id` integer NULL, CONSTRAINT `plans_departments_plans` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `plans_plans_next` FOREIGN KEY (`previous_id`) REFERENCES `plans` (`id`) ON DELETE SET NULL);
-- Set sequence for "plans" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("plans", 85899345920);
-- Create index "plan_division_code" to table: "plans"
CREATE INDEX `plan_division_code` ON `plans` (`division_code`);
-- Create index "plan_number_version" to table: "plans"
CREATE UNIQUE INDEX `plan_number_version` ON `plans` (`number`, `version`);
-- Create index "plan_year" to table: "plans"
CREATE INDEX `plan_year` ON `plans` (`year`);
-- Create "plan_batches" table
CREATE TABLE `plan_batches` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `seq` integer NOT NULL, `name` text NOT NULL, `scope` text NULL, `planned_count` integer NULL, `planned_ratio` real NULL, `start_date` datetime NOT NULL, `end_date` datetime NOT NULL, `plan_id` integer NOT NULL, `initiator_id` integer NOT NULL, CONSTRAINT `plan_batches_plans_batches` FOREIGN KEY (`plan_id`) REFERENCES `plans` (`id`) ON DELETE NO ACTION, CONSTRAINT `plan_batches_departments_initiator` FOREIGN KEY (`initiator_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION);
-- Set sequence for "plan_batches" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("plan_batches", 90194313216);
-- Create index "planbatch_division_code" to table: "plan_batches"
CREATE INDEX `planbatch_division_code` ON `plan_batches` (`division_code`);
-- Create "publications" table
CREATE TABLE `publications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `kind` text NOT NULL, `title` text NOT NULL, `published_at` datetime NOT NULL, `subject_type` text NOT NULL, `subject_id` integer NOT NULL, `payload` json NULL, `digest` text NOT NULL, `ledger_index` integer NULL, `department_id` integer NULL, `corrects_id` integer NULL, CONSTRAINT `publications_departments_department` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE SET NULL, CONSTRAINT `publications_publications_corrected_by` FOREIGN KEY (`corrects_id`) REFERENCES `publications` (`id`) ON DELETE SET NULL);
-- Set sequence for "publications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("publications", 94489280512);
-- Create index "publication_division_code" to table: "publications"
CREATE INDEX `publication_division_code` ON `publications` (`division_code`);
-- Create index "publication_subject_type_subject_id" to table: "publications"
CREATE INDEX `publication_subject_type_subject_id` ON `publications` (`subject_type`, `subject_id`);
-- Create index "publication_kind_published_at" to table: "publications"
CREATE INDEX `publication_kind_published_at` ON `publications` (`kind`, `published_at`);
-- Create "results" table
CREATE TABLE `results` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `status` text NOT NULL DEFAULT ('DRAFT'), `version` integer NOT NULL DEFAULT (1), `inspection_end_date` datetime NULL, `due_date` datetime NULL, `summary` text NULL, `follow_up_done` bool NOT NULL DEFAULT (false), `follow_up_done_on` datetime NULL, `follow_up_note` text NULL, `review_note` text NULL, `idempotency_key` text NULL, `submitted_at` datetime NULL, `approved_at` datetime NULL, `published_at` datetime NULL, `department_id` integer NOT NULL, `team_id` integer NULL, `follow_up_id` integer NULL, `adopted_from_id` integer NULL, `result_entered_by` integer NULL, `result_approved_by` integer NULL, `target_id` integer NOT NULL, `task_id` integer NOT NULL, CONSTRAINT `results_departments_results` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `results_inspection_teams_results` FOREIGN KEY (`team_id`) REFERENCES `inspection_teams` (`id`) ON DELETE SET NULL, CONSTRAINT `results_follow_up_options_follow_up` FOREIGN KEY (`follow_up_id`) REFERENCES `follow_up_options` (`id`) ON DELETE SET NULL, CONSTRAINT `results_results_adopted_by` FOREIGN KEY (`adopted_from_id`) REFERENCES `results` (`id`) ON DELETE SET NULL, CONSTRAINT `results_accounts_entered_by` FOREIGN KEY (`result_entered_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `results_accounts_approved_by` FOREIGN KEY (`result_approved_by`) REFERENCES `accounts` (`id`) ON DELETE SET NULL, CONSTRAINT `results_targets_results` FOREIGN KEY (`target_id`) REFERENCES `targets` (`id`) ON DELETE NO ACTION, CONSTRAINT `results_tasks_results` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE NO ACTION);
-- Set sequence for "results" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("results", 98784247808);
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
-- Create "result_codes" table
CREATE TABLE `result_codes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `code` text NOT NULL, `name` text NOT NULL, `sort_order` integer NOT NULL DEFAULT (0), `active` bool NOT NULL DEFAULT (true), `problem_found` bool NOT NULL DEFAULT (false), `leads_to_abnormal_list` bool NOT NULL DEFAULT (false), `parent_id` integer NULL, CONSTRAINT `result_codes_result_codes_children` FOREIGN KEY (`parent_id`) REFERENCES `result_codes` (`id`) ON DELETE SET NULL);
-- Set sequence for "result_codes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("result_codes", 103079215104);
-- Create index "result_codes_code_key" to table: "result_codes"
CREATE UNIQUE INDEX `result_codes_code_key` ON `result_codes` (`code`);
-- Create "result_items" table
CREATE TABLE `result_items` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `checked` bool NOT NULL, `problem_found` bool NOT NULL DEFAULT (false), `problem` text NULL, `handling` text NULL, `result_id` integer NOT NULL, `item_id` integer NOT NULL, CONSTRAINT `result_items_results_items` FOREIGN KEY (`result_id`) REFERENCES `results` (`id`) ON DELETE NO ACTION, CONSTRAINT `result_items_inspection_items_item` FOREIGN KEY (`item_id`) REFERENCES `inspection_items` (`id`) ON DELETE NO ACTION);
-- Set sequence for "result_items" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("result_items", 107374182400);
-- Create index "resultitem_division_code" to table: "result_items"
CREATE INDEX `resultitem_division_code` ON `result_items` (`division_code`);
-- Create index "resultitem_result_id_item_id" to table: "result_items"
CREATE UNIQUE INDEX `resultitem_result_id_item_id` ON `result_items` (`result_id`, `item_id`);
-- Create "targets" table
CREATE TABLE `targets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `kind` text NOT NULL DEFAULT ('ENTERPRISE'), `uscc` text NULL, `reg_no` text NULL, `object_code` text NULL, `name` text NOT NULL, `legal_representative` text NULL, `legal_rep_phone` text NULL, `address` text NULL, `industry_code` text NULL, `registered_on` datetime NULL, `status` text NOT NULL DEFAULT ('EXISTING'), `credit_risk_class` text NOT NULL DEFAULT ('B'), `abnormal_list` bool NOT NULL DEFAULT (false), `licences` json NOT NULL, `tags` json NOT NULL, `last_inspected_on` datetime NULL, `contact_person` text NULL, `contact_phone` text NULL);
-- Set sequence for "targets" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("targets", 111669149696);
-- Create index "targets_uscc_key" to table: "targets"
CREATE UNIQUE INDEX `targets_uscc_key` ON `targets` (`uscc`);
-- Create index "targets_reg_no_key" to table: "targets"
CREATE UNIQUE INDEX `targets_reg_no_key` ON `targets` (`reg_no`);
-- Create index "targets_object_code_key" to table: "targets"
CREATE UNIQUE INDEX `targets_object_code_key` ON `targets` (`object_code`);
-- Create index "target_division_code" to table: "targets"
CREATE INDEX `target_division_code` ON `targets` (`division_code`);
-- Create index "target_name" to table: "targets"
CREATE INDEX `target_name` ON `targets` (`name`);
-- Create index "target_industry_code" to table: "targets"
CREATE INDEX `target_industry_code` ON `targets` (`industry_code`);
-- Create index "target_status_credit_risk_class" to table: "targets"
CREATE INDEX `target_status_credit_risk_class` ON `targets` (`status`, `credit_risk_class`);
-- Create "target_libraries" table
CREATE TABLE `target_libraries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `code` text NOT NULL, `name` text NOT NULL, `domain` text NULL, `department_id` integer NOT NULL, CONSTRAINT `target_libraries_departments_target_libraries` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION);
-- Set sequence for "target_libraries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("target_libraries", 115964116992);
-- Create index "targetlibrary_division_code" to table: "target_libraries"
CREATE INDEX `targetlibrary_division_code` ON `target_libraries` (`division_code`);
-- Create index "targetlibrary_department_id_code" to table: "target_libraries"
CREATE UNIQUE INDEX `targetlibrary_department_id_code` ON `target_libraries` (`department_id`, `code`);
-- Create "tasks" table
CREATE TABLE `tasks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `number` text NOT NULL, `name` text NOT NULL, `kind` text NOT NULL DEFAULT ('UNTARGETED'), `special` bool NOT NULL DEFAULT (false), `status` text NOT NULL DEFAULT ('DRAFT'), `scope` json NULL, `strata` json NULL, `window_start` datetime NOT NULL, `window_end` datetime NOT NULL, `announced_target_count` integer NULL, `announced_at` datetime NULL, `initiator_id` integer NOT NULL, `batch_id` integer NULL, CONSTRAINT `tasks_departments_initiated_tasks` FOREIGN KEY (`initiator_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `tasks_plan_batches_tasks` FOREIGN KEY (`batch_id`) REFERENCES `plan_batches` (`id`) ON DELETE SET NULL);
-- Set sequence for "tasks" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("tasks", 120259084288);
-- Create index "tasks_number_key" to table: "tasks"
CREATE UNIQUE INDEX `tasks_number_key` ON `tasks` (`number`);
-- Create index "task_division_code" to table: "tasks"
CREATE INDEX `task_division_code` ON `tasks` (`division_code`);
-- Create "task_items" table
CREATE TABLE `task_items` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `division_code` text NOT NULL DEFAULT ('370921'), `task_id` integer NOT NULL, `department_id` integer NOT NULL, `item_id` integer NOT NULL, CONSTRAINT `task_items_tasks_task_items` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE NO ACTION, CONSTRAINT `task_items_departments_department` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE NO ACTION, CONSTRAINT `task_items_inspection_items_item` FOREIGN KEY (`item_id`) REFERENCES `inspection_items` (`id`) ON DELETE NO ACTION);
-- Set sequence for "task_items" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("task_items", 124554051584);
-- Create index "taskitem_division_code" to table: "task_items"
CREATE INDEX `taskitem_division_code` ON `task_items` (`division_code`);
-- Create index "taskitem_task_id_item_id" to table: "task_items"
CREATE UNIQUE INDEX `taskitem_task_id_item_id` ON `task_items` (`task_id`, `item_id`);
-- Create "draw_confirmations" table
CREATE TABLE `draw_confirmations` (`draw_id` integer NOT NULL, `library_confirmation_id` integer NOT NULL, PRIMARY KEY (`draw_id`, `library_confirmation_id`), CONSTRAINT `draw_confirmations_draw_id` FOREIGN KEY (`draw_id`) REFERENCES `draws` (`id`) ON DELETE CASCADE, CONSTRAINT `draw_confirmations_library_confirmation_id` FOREIGN KEY (`library_confirmation_id`) REFERENCES `library_confirmations` (`id`) ON DELETE CASCADE);
-- Create "inspection_item_methods" table
CREATE TABLE `inspection_item_methods` (`inspection_item_id` integer NOT NULL, `inspection_method_id` integer NOT NULL, PRIMARY KEY (`inspection_item_id`, `inspection_method_id`), CONSTRAINT `inspection_item_methods_inspection_item_id` FOREIGN KEY (`inspection_item_id`) REFERENCES `inspection_items` (`id`) ON DELETE CASCADE, CONSTRAINT `inspection_item_methods_inspection_method_id` FOREIGN KEY (`inspection_method_id`) REFERENCES `inspection_methods` (`id`) ON DELETE CASCADE);
-- Create "inspection_team_members" table
CREATE TABLE `inspection_team_members` (`inspection_team_id` integer NOT NULL, `inspector_id` integer NOT NULL, PRIMARY KEY (`inspection_team_id`, `inspector_id`), CONSTRAINT `inspection_team_members_inspection_team_id` FOREIGN KEY (`inspection_team_id`) REFERENCES `inspection_teams` (`id`) ON DELETE CASCADE, CONSTRAINT `inspection_team_members_inspector_id` FOREIGN KEY (`inspector_id`) REFERENCES `inspectors` (`id`) ON DELETE CASCADE);
-- Create "plan_batch_participants" table
CREATE TABLE `plan_batch_participants` (`plan_batch_id` integer NOT NULL, `department_id` integer NOT NULL, PRIMARY KEY (`plan_batch_id`, `department_id`), CONSTRAINT `plan_batch_participants_plan_batch_id` FOREIGN KEY (`plan_batch_id`) REFERENCES `plan_batches` (`id`) ON DELETE CASCADE, CONSTRAINT `plan_batch_participants_department_id` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE CASCADE);
-- Create "plan_batch_items" table
CREATE TABLE `plan_batch_items` (`plan_batch_id` integer NOT NULL, `inspection_item_id` integer NOT NULL, PRIMARY KEY (`plan_batch_id`, `inspection_item_id`), CONSTRAINT `plan_batch_items_plan_batch_id` FOREIGN KEY (`plan_batch_id`) REFERENCES `plan_batches` (`id`) ON DELETE CASCADE, CONSTRAINT `plan_batch_items_inspection_item_id` FOREIGN KEY (`inspection_item_id`) REFERENCES `inspection_items` (`id`) ON DELETE CASCADE);
-- Create "result_code_links" table
CREATE TABLE `result_code_links` (`result_id` integer NOT NULL, `result_code_id` integer NOT NULL, PRIMARY KEY (`result_id`, `result_code_id`), CONSTRAINT `result_code_links_result_id` FOREIGN KEY (`result_id`) REFERENCES `results` (`id`) ON DELETE CASCADE, CONSTRAINT `result_code_links_result_code_id` FOREIGN KEY (`result_code_id`) REFERENCES `result_codes` (`id`) ON DELETE CASCADE);
-- Create "result_methods" table
CREATE TABLE `result_methods` (`result_id` integer NOT NULL, `inspection_method_id` integer NOT NULL, PRIMARY KEY (`result_id`, `inspection_method_id`), CONSTRAINT `result_methods_result_id` FOREIGN KEY (`result_id`) REFERENCES `results` (`id`) ON DELETE CASCADE, CONSTRAINT `result_methods_inspection_method_id` FOREIGN KEY (`inspection_method_id`) REFERENCES `inspection_methods` (`id`) ON DELETE CASCADE);
-- Create "result_item_codes" table
CREATE TABLE `result_item_codes` (`result_item_id` integer NOT NULL, `result_code_id` integer NOT NULL, PRIMARY KEY (`result_item_id`, `result_code_id`), CONSTRAINT `result_item_codes_result_item_id` FOREIGN KEY (`result_item_id`) REFERENCES `result_items` (`id`) ON DELETE CASCADE, CONSTRAINT `result_item_codes_result_code_id` FOREIGN KEY (`result_code_id`) REFERENCES `result_codes` (`id`) ON DELETE CASCADE);
-- Create "target_library_targets" table
CREATE TABLE `target_library_targets` (`target_library_id` integer NOT NULL, `target_id` integer NOT NULL, PRIMARY KEY (`target_library_id`, `target_id`), CONSTRAINT `target_library_targets_target_library_id` FOREIGN KEY (`target_library_id`) REFERENCES `target_libraries` (`id`) ON DELETE CASCADE, CONSTRAINT `target_library_targets_target_id` FOREIGN KEY (`target_id`) REFERENCES `targets` (`id`) ON DELETE CASCADE);
-- Create "task_participants" table
CREATE TABLE `task_participants` (`task_id` integer NOT NULL, `department_id` integer NOT NULL, PRIMARY KEY (`task_id`, `department_id`), CONSTRAINT `task_participants_task_id` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE CASCADE, CONSTRAINT `task_participants_department_id` FOREIGN KEY (`department_id`) REFERENCES `departments` (`id`) ON DELETE CASCADE);
-- Create "task_methods" table
CREATE TABLE `task_methods` (`task_id` integer NOT NULL, `inspection_method_id` integer NOT NULL, PRIMARY KEY (`task_id`, `inspection_method_id`), CONSTRAINT `task_methods_task_id` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE CASCADE, CONSTRAINT `task_methods_inspection_method_id` FOREIGN KEY (`inspection_method_id`) REFERENCES `inspection_methods` (`id`) ON DELETE CASCADE);
-- Create "task_inspector_pool" table
CREATE TABLE `task_inspector_pool` (`task_id` integer NOT NULL, `inspector_id` integer NOT NULL, PRIMARY KEY (`task_id`, `inspector_id`), CONSTRAINT `task_inspector_pool_task_id` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE CASCADE, CONSTRAINT `task_inspector_pool_inspector_id` FOREIGN KEY (`inspector_id`) REFERENCES `inspectors` (`id`) ON DELETE CASCADE);
-- Create "task_libraries" table
CREATE TABLE `task_libraries` (`task_id` integer NOT NULL, `target_library_id` integer NOT NULL, PRIMARY KEY (`task_id`, `target_library_id`), CONSTRAINT `task_libraries_task_id` FOREIGN KEY (`task_id`) REFERENCES `tasks` (`id`) ON DELETE CASCADE, CONSTRAINT `task_libraries_target_library_id` FOREIGN KEY (`target_library_id`) REFERENCES `target_libraries` (`id`) ON DELETE CASCADE);
