-- Create index "inspectionteam_target_id" to table: "inspection_teams"
CREATE INDEX `inspectionteam_target_id` ON `inspection_teams` (`target_id`);
-- Create index "publication_ledger_index" to table: "publications"
CREATE UNIQUE INDEX `publication_ledger_index` ON `publications` (`ledger_index`);
