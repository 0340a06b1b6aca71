-- Forgot password: a code and a link to the address, 30 minutes, single use.
ALTER TYPE "CodePurpose" ADD VALUE 'PASSWORD_RESET';

-- An account can be disabled by an admin, or deleted by its owner (the row stays, anonymised, so
-- the audit trail keeps its id). A recovery (password reset, email change) holds the changes
-- that would lock the owner out for good until recovery_hold_until.
ALTER TABLE "users"
  ALTER COLUMN "password_hash" DROP NOT NULL,
  ADD COLUMN "disabled_at" TIMESTAMPTZ(3),
  ADD COLUMN "deleted_at" TIMESTAMPTZ(3),
  ADD COLUMN "recovery_hold_until" TIMESTAMPTZ(3),
  ADD COLUMN "recovery_hold_reason" TEXT;

-- One row per request, known address or not (user_id is null for an address without an account),
-- so both take the same statements.
CREATE TABLE "password_resets" (
    "id" UUID NOT NULL,
    "user_id" UUID,
    "email" TEXT NOT NULL,
    "ip" INET,
    "user_agent" TEXT,
    "completed_at" TIMESTAMPTZ(3),
    "report_token_hash" TEXT,
    "reported_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "password_resets_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "password_resets_report_token_hash_key" ON "password_resets"("report_token_hash");
CREATE INDEX "password_resets_email_idx" ON "password_resets"("email");
CREATE INDEX "password_resets_user_id_idx" ON "password_resets"("user_id");
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_id_fkey" FOREIGN KEY ("id") REFERENCES "one_time_codes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An account's events include what was done to it (an admin acting on it), not only by it.
CREATE INDEX "audit_events_target_type_target_id_created_at_id_idx" ON "audit_events"("target_type", "target_id", "created_at" DESC, "id" DESC);
