-- Notices are rendered when they are delivered, outside the change's transaction: the outbox
-- keeps the template's name and data instead of the finished text and HTML.
ALTER TABLE "email_outbox" ADD COLUMN "template" TEXT, ADD COLUMN "data" JSONB;

-- Rows queued before this migration keep their finished content and are delivered as they are.
UPDATE "email_outbox" SET "template" = 'rendered', "data" = jsonb_build_object('text', "text", 'html', "html");

ALTER TABLE "email_outbox" ALTER COLUMN "template" SET NOT NULL, ALTER COLUMN "data" SET NOT NULL;
ALTER TABLE "email_outbox" DROP COLUMN "text", DROP COLUMN "html";
