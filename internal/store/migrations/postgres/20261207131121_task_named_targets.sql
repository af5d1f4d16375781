-- Modify "tasks" table
ALTER TABLE "tasks" ADD COLUMN "named_target_ids" jsonb NULL, ADD COLUMN "target_reason" character varying NULL;
