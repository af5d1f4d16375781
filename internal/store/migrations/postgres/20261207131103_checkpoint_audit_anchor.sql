-- Modify "checkpoints" table
ALTER TABLE "checkpoints" ADD COLUMN "audit_seq" bigint NULL, ADD COLUMN "audit_head" character varying NULL;
