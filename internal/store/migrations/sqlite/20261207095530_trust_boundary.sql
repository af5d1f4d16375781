-- Add column "ended_reason" to table: "conflicts"
ALTER TABLE `conflicts` ADD COLUMN `ended_reason` text NULL;
-- Add column "contact_department_id" to table: "targets"
ALTER TABLE `targets` ADD COLUMN `contact_department_id` integer NULL;
