-- Modify "draw_events" table
ALTER TABLE "draw_events" ADD COLUMN "reason_code" character varying NULL, ADD COLUMN "ledger_index" bigint NULL;
-- Modify "draws" table
ALTER TABLE "draws" ADD COLUMN "sealed_secret" character varying NULL;
