-- Add column "named_target_ids" to table: "tasks"
ALTER TABLE `tasks` ADD COLUMN `named_target_ids` json NULL;
-- Add column "target_reason" to table: "tasks"
ALTER TABLE `tasks` ADD COLUMN `target_reason` text NULL;
