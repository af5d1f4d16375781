-- Modify "conflicts" table
ALTER TABLE "conflicts" ADD COLUMN "ended_reason" character varying NULL;
-- Modify "targets" table
ALTER TABLE "targets" ADD COLUMN "contact_department_id" bigint NULL;
