-- Add column "sealed_secret" to table: "draws"
ALTER TABLE `draws` ADD COLUMN `sealed_secret` text NULL;
-- Add column "reason_code" to table: "draw_events"
ALTER TABLE `draw_events` ADD COLUMN `reason_code` text NULL;
-- Add column "ledger_index" to table: "draw_events"
ALTER TABLE `draw_events` ADD COLUMN `ledger_index` integer NULL;
