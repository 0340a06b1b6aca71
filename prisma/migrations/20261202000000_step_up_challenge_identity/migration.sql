-- A step-up challenge has its own identity: its emailed code is one of the proofs it may take,
-- not the challenge itself. The challenge keeps the tries and the lifetime that every proof of
-- it shares, and when it was proven.
ALTER TABLE "step_up_challenges"
  ADD COLUMN "code_id" UUID,
  ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "max_attempts" INTEGER NOT NULL DEFAULT 5,
  ADD COLUMN "expires_at" TIMESTAMPTZ(3),
  ADD COLUMN "verified_at" TIMESTAMPTZ(3);

-- Until now a challenge shared its id with its code.
UPDATE "step_up_challenges" s
SET "code_id" = s."id", "attempts" = c."attempts", "max_attempts" = c."max_attempts", "expires_at" = c."expires_at",
    "verified_at" = CASE WHEN c."consumed_at" IS NOT NULL AND s."cancelled_at" IS NULL THEN c."consumed_at" END
FROM "one_time_codes" c
WHERE c."id" = s."id";

ALTER TABLE "step_up_challenges" ALTER COLUMN "expires_at" SET NOT NULL;
ALTER TABLE "step_up_challenges" DROP CONSTRAINT "step_up_challenges_id_fkey";
ALTER TABLE "step_up_challenges" ADD CONSTRAINT "step_up_challenges_code_id_fkey" FOREIGN KEY ("code_id") REFERENCES "one_time_codes"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE UNIQUE INDEX "step_up_challenges_code_id_key" ON "step_up_challenges"("code_id");

-- A sudo window is scoped: only the actions that share it ride on it (an admin's actions on other
-- accounts never on a window the admin opened for their own).
ALTER TABLE "step_up_grants" ADD COLUMN "window" TEXT;
UPDATE "step_up_grants" SET "window" = CASE WHEN "action" LIKE 'admin.%' THEN 'admin' ELSE 'account' END WHERE "mode" = 'SUDO';
DROP INDEX "step_up_grants_session_id_mode_expires_at_idx";
CREATE INDEX "step_up_grants_session_id_mode_window_expires_at_idx" ON "step_up_grants"("session_id", "mode", "window", "expires_at");
