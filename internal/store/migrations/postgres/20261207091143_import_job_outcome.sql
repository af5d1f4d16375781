-- Modify "import_jobs" table
ALTER TABLE "import_jobs" ADD COLUMN "rows_skipped" bigint NOT NULL DEFAULT 0, ADD COLUMN "added_to_library" bigint NOT NULL DEFAULT 0, ADD COLUMN "summary" text NULL;
