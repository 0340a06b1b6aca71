-- The account's chosen language (null = follow the browser's Accept-Language), and the language a
-- queued email is rendered in: the recipient's, fixed when it is queued.
ALTER TABLE "users" ADD COLUMN "locale" TEXT;
ALTER TABLE "users" ADD CONSTRAINT "users_locale_check" CHECK ("locale" IN ('en', 'de'));
ALTER TABLE "email_outbox" ADD COLUMN "locale" TEXT NOT NULL DEFAULT 'en';
