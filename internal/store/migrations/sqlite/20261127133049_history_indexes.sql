-- Create index "correction_original_id" to table: "corrections"
CREATE INDEX `correction_original_id` ON `corrections` (`original_id`);
-- Create index "followupaction_result_id" to table: "follow_up_actions"
CREATE INDEX `followupaction_result_id` ON `follow_up_actions` (`result_id`);
