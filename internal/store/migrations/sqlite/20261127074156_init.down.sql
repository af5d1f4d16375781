-- reverse: create "task_libraries" table
DROP TABLE `task_libraries`;
-- reverse: create "task_inspector_pool" table
DROP TABLE `task_inspector_pool`;
-- reverse: create "task_methods" table
DROP TABLE `task_methods`;
-- reverse: create "task_participants" table
DROP TABLE `task_participants`;
-- reverse: create "target_library_targets" table
DROP TABLE `target_library_targets`;
-- reverse: create "result_item_codes" table
DROP TABLE `result_item_codes`;
-- reverse: create "result_methods" table
DROP TABLE `result_methods`;
-- reverse: create "result_code_links" table
DROP TABLE `result_code_links`;
-- reverse: create "plan_batch_items" table
DROP TABLE `plan_batch_items`;
-- reverse: create "plan_batch_participants" table
DROP TABLE `plan_batch_participants`;
-- reverse: create "inspection_team_members" table
DROP TABLE `inspection_team_members`;
-- reverse: create "inspection_item_methods" table
DROP TABLE `inspection_item_methods`;
-- reverse: create "draw_confirmations" table
DROP TABLE `draw_confirmations`;
-- reverse: create index "taskitem_task_id_item_id" to table: "task_items"
DROP INDEX `taskitem_task_id_item_id`;
-- reverse: create index "taskitem_division_code" to table: "task_items"
DROP INDEX `taskitem_division_code`;
-- reverse: set sequence for "task_items" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "task_items";
-- reverse: create "task_items" table
DROP TABLE `task_items`;
-- reverse: create index "task_division_code" to table: "tasks"
DROP INDEX `task_division_code`;
-- reverse: create index "tasks_number_key" to table: "tasks"
DROP INDEX `tasks_number_key`;
-- reverse: set sequence for "tasks" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "tasks";
-- reverse: create "tasks" table
DROP TABLE `tasks`;
-- reverse: create index "targetlibrary_department_id_code" to table: "target_libraries"
DROP INDEX `targetlibrary_department_id_code`;
-- reverse: create index "targetlibrary_division_code" to table: "target_libraries"
DROP INDEX `targetlibrary_division_code`;
-- reverse: set sequence for "target_libraries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "target_libraries";
-- reverse: create "target_libraries" table
DROP TABLE `target_libraries`;
-- reverse: create index "target_status_credit_risk_class" to table: "targets"
DROP INDEX `target_status_credit_risk_class`;
-- reverse: create index "target_industry_code" to table: "targets"
DROP INDEX `target_industry_code`;
-- reverse: create index "target_name" to table: "targets"
DROP INDEX `target_name`;
-- reverse: create index "target_division_code" to table: "targets"
DROP INDEX `target_division_code`;
-- reverse: create index "targets_object_code_key" to table: "targets"
DROP INDEX `targets_object_code_key`;
-- reverse: create index "targets_reg_no_key" to table: "targets"
DROP INDEX `targets_reg_no_key`;
-- reverse: create index "targets_uscc_key" to table: "targets"
DROP INDEX `targets_uscc_key`;
-- reverse: set sequence for "targets" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "targets";
-- reverse: create "targets" table
DROP TABLE `targets`;
-- reverse: create index "resultitem_result_id_item_id" to table: "result_items"
DROP INDEX `resultitem_result_id_item_id`;
-- reverse: create index "resultitem_division_code" to table: "result_items"
DROP INDEX `resultitem_division_code`;
-- reverse: set sequence for "result_items" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "result_items";
-- reverse: create "result_items" table
DROP TABLE `result_items`;
-- reverse: create index "result_codes_code_key" to table: "result_codes"
DROP INDEX `result_codes_code_key`;
-- reverse: set sequence for "result_codes" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "result_codes";
-- reverse: create "result_codes" table
DROP TABLE `result_codes`;
-- reverse: create index "result_status_due_date" to table: "results"
DROP INDEX `result_status_due_date`;
-- reverse: create index "result_target_id" to table: "results"
DROP INDEX `result_target_id`;
-- reverse: create index "result_task_id_target_id_department_id_version" to table: "results"
DROP INDEX `result_task_id_target_id_department_id_version`;
-- reverse: create index "result_division_code" to table: "results"
DROP INDEX `result_division_code`;
-- reverse: create index "results_idempotency_key_key" to table: "results"
DROP INDEX `results_idempotency_key_key`;
-- reverse: set sequence for "results" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "results";
-- reverse: create "results" table
DROP TABLE `results`;
-- reverse: create index "publication_kind_published_at" to table: "publications"
DROP INDEX `publication_kind_published_at`;
-- reverse: create index "publication_subject_type_subject_id" to table: "publications"
DROP INDEX `publication_subject_type_subject_id`;
-- reverse: create index "publication_division_code" to table: "publications"
DROP INDEX `publication_division_code`;
-- reverse: set sequence for "publications" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "publications";
-- reverse: create "publications" table
DROP TABLE `publications`;
-- reverse: create index "planbatch_division_code" to table: "plan_batches"
DROP INDEX `planbatch_division_code`;
-- reverse: set sequence for "plan_batches" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "plan_batches";
-- reverse: create "plan_batches" table
DROP TABLE `plan_batches`;
-- reverse: create index "plan_year" to table: "plans"
DROP INDEX `plan_year`;
-- reverse: create index "plan_number_version" to table: "plans"
DROP INDEX `plan_number_version`;
-- reverse: create index "plan_division_code" to table: "plans"
DROP INDEX `plan_division_code`;
-- reverse: set sequence for "plans" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "plans";
-- reverse: create "plans" table
DROP TABLE `plans`;
-- reverse: create index "meetingmember_sort_order" to table: "meeting_members"
DROP INDEX `meetingmember_sort_order`;
-- reverse: create index "meetingmember_division_code" to table: "meeting_members"
DROP INDEX `meetingmember_division_code`;
-- reverse: set sequence for "meeting_members" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "meeting_members";
-- reverse: create "meeting_members" table
DROP TABLE `meeting_members`;
-- reverse: create index "libraryconfirmation_division_code" to table: "library_confirmations"
DROP INDEX `libraryconfirmation_division_code`;
-- reverse: set sequence for "library_confirmations" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "library_confirmations";
-- reverse: create "library_confirmations" table
DROP TABLE `library_confirmations`;
-- reverse: create index "lead_division_code" to table: "leads"
DROP INDEX `lead_division_code`;
-- reverse: set sequence for "leads" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "leads";
-- reverse: create "leads" table
DROP TABLE `leads`;
-- reverse: create index "jointmeeting_division_code" to table: "joint_meetings"
DROP INDEX `jointmeeting_division_code`;
-- reverse: set sequence for "joint_meetings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "joint_meetings";
-- reverse: create "joint_meetings" table
DROP TABLE `joint_meetings`;
-- reverse: create index "itemlist_department_id_version" to table: "item_lists"
DROP INDEX `itemlist_department_id_version`;
-- reverse: create index "itemlist_division_code" to table: "item_lists"
DROP INDEX `itemlist_division_code`;
-- reverse: set sequence for "item_lists" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "item_lists";
-- reverse: create "item_lists" table
DROP TABLE `item_lists`;
-- reverse: create index "inspector_department_id_active" to table: "inspectors"
DROP INDEX `inspector_department_id_active`;
-- reverse: create index "inspector_division_code" to table: "inspectors"
DROP INDEX `inspector_division_code`;
-- reverse: create index "inspectors_certificate_no_key" to table: "inspectors"
DROP INDEX `inspectors_certificate_no_key`;
-- reverse: set sequence for "inspectors" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "inspectors";
-- reverse: create "inspectors" table
DROP TABLE `inspectors`;
-- reverse: create index "inspectionteam_draw_id_target_id_version" to table: "inspection_teams"
DROP INDEX `inspectionteam_draw_id_target_id_version`;
-- reverse: create index "inspectionteam_division_code" to table: "inspection_teams"
DROP INDEX `inspectionteam_division_code`;
-- reverse: set sequence for "inspection_teams" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "inspection_teams";
-- reverse: create "inspection_teams" table
DROP TABLE `inspection_teams`;
-- reverse: create index "inspection_methods_code_key" to table: "inspection_methods"
DROP INDEX `inspection_methods_code_key`;
-- reverse: set sequence for "inspection_methods" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "inspection_methods";
-- reverse: create "inspection_methods" table
DROP TABLE `inspection_methods`;
-- reverse: create index "inspectionitem_code" to table: "inspection_items"
DROP INDEX `inspectionitem_code`;
-- reverse: create index "inspectionitem_item_list_id_code" to table: "inspection_items"
DROP INDEX `inspectionitem_item_list_id_code`;
-- reverse: create index "inspectionitem_division_code" to table: "inspection_items"
DROP INDEX `inspectionitem_division_code`;
-- reverse: set sequence for "inspection_items" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "inspection_items";
-- reverse: create "inspection_items" table
DROP TABLE `inspection_items`;
-- reverse: create index "implementationrule_division_code" to table: "implementation_rules"
DROP INDEX `implementationrule_division_code`;
-- reverse: create index "implementation_rules_item_id_key" to table: "implementation_rules"
DROP INDEX `implementation_rules_item_id_key`;
-- reverse: set sequence for "implementation_rules" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "implementation_rules";
-- reverse: create "implementation_rules" table
DROP TABLE `implementation_rules`;
-- reverse: create index "follow_up_options_code_key" to table: "follow_up_options"
DROP INDEX `follow_up_options_code_key`;
-- reverse: set sequence for "follow_up_options" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "follow_up_options";
-- reverse: create "follow_up_options" table
DROP TABLE `follow_up_options`;
-- reverse: create index "filing_division_code" to table: "filings"
DROP INDEX `filing_division_code`;
-- reverse: set sequence for "filings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "filings";
-- reverse: create "filings" table
DROP TABLE `filings`;
-- reverse: create index "evidence_division_code" to table: "evidences"
DROP INDEX `evidence_division_code`;
-- reverse: set sequence for "evidences" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "evidences";
-- reverse: create "evidences" table
DROP TABLE `evidences`;
-- reverse: create index "draw_task_id_seq" to table: "draws"
DROP INDEX `draw_task_id_seq`;
-- reverse: create index "draw_division_code" to table: "draws"
DROP INDEX `draw_division_code`;
-- reverse: set sequence for "draws" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "draws";
-- reverse: create "draws" table
DROP TABLE `draws`;
-- reverse: create index "department_division_code" to table: "departments"
DROP INDEX `department_division_code`;
-- reverse: create index "departments_code_key" to table: "departments"
DROP INDEX `departments_code_key`;
-- reverse: set sequence for "departments" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "departments";
-- reverse: create "departments" table
DROP TABLE `departments`;
-- reverse: create index "correction_division_code" to table: "corrections"
DROP INDEX `correction_division_code`;
-- reverse: set sequence for "corrections" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "corrections";
-- reverse: create "corrections" table
DROP TABLE `corrections`;
-- reverse: create index "conflict_inspector_id_target_id" to table: "conflicts"
DROP INDEX `conflict_inspector_id_target_id`;
-- reverse: create index "conflict_division_code" to table: "conflicts"
DROP INDEX `conflict_division_code`;
-- reverse: set sequence for "conflicts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "conflicts";
-- reverse: create "conflicts" table
DROP TABLE `conflicts`;
-- reverse: create index "auditevent_entity_type_entity_id" to table: "audit_events"
DROP INDEX `auditevent_entity_type_entity_id`;
-- reverse: create index "audit_events_seq_key" to table: "audit_events"
DROP INDEX `audit_events_seq_key`;
-- reverse: set sequence for "audit_events" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "audit_events";
-- reverse: create "audit_events" table
DROP TABLE `audit_events`;
-- reverse: create index "apitoken_division_code" to table: "api_tokens"
DROP INDEX `apitoken_division_code`;
-- reverse: create index "api_tokens_prefix_key" to table: "api_tokens"
DROP INDEX `api_tokens_prefix_key`;
-- reverse: set sequence for "api_tokens" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "api_tokens";
-- reverse: create "api_tokens" table
DROP TABLE `api_tokens`;
-- reverse: create index "account_division_code" to table: "accounts"
DROP INDEX `account_division_code`;
-- reverse: create index "accounts_username_key" to table: "accounts"
DROP INDEX `accounts_username_key`;
-- reverse: create "accounts" table
DROP TABLE `accounts`;
