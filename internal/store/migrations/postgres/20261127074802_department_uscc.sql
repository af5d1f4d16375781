-- Create index "auditevent_at" to table: "audit_events"
CREATE INDEX "auditevent_at" ON "audit_events" ("at");
-- Modify "departments" table
ALTER TABLE "departments" ADD COLUMN "uscc" character varying NULL;
-- Create index "departments_uscc_key" to table: "departments"
CREATE UNIQUE INDEX "departments_uscc_key" ON "departments" ("uscc");
