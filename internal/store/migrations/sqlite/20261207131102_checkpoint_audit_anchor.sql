-- Add column "audit_seq" to table: "checkpoints"
ALTER TABLE `checkpoints` ADD COLUMN `audit_seq` integer NULL;
-- Add column "audit_head" to table: "checkpoints"
ALTER TABLE `checkpoints` ADD COLUMN `audit_head` text NULL;
