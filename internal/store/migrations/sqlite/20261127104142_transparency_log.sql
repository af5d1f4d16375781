-- Create "checkpoints" table
CREATE TABLE `checkpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `size` integer NOT NULL, `root` text NOT NULL, `at` datetime NOT NULL, `key_id` text NOT NULL, `signature` text NOT NULL);
-- Set sequence for "checkpoints" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("checkpoints", 167503724544);
-- Create index "checkpoint_size" to table: "checkpoints"
CREATE INDEX `checkpoint_size` ON `checkpoints` (`size`);
-- Create "ledger_leafs" table
CREATE TABLE `ledger_leafs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `index` integer NOT NULL, `publication_id` integer NOT NULL, `leaf` text NOT NULL, `leaf_hash` text NOT NULL, `created_at` datetime NOT NULL);
-- Set sequence for "ledger_leafs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("ledger_leafs", 171798691840);
-- Create index "ledger_leafs_index_key" to table: "ledger_leafs"
CREATE UNIQUE INDEX `ledger_leafs_index_key` ON `ledger_leafs` (`index`);
-- Create index "ledger_leafs_publication_id_key" to table: "ledger_leafs"
CREATE UNIQUE INDEX `ledger_leafs_publication_id_key` ON `ledger_leafs` (`publication_id`);
