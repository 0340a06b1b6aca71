-- Known devices: a long-lived random identifier in an HttpOnly cookie, remembered per account (its
-- SHA-256 only), so a sign-in from a device the account has not used before can be announced.
CREATE TABLE "known_devices" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "device_hash" TEXT NOT NULL,
    "user_agent" TEXT,
    "last_ip" INET,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- The new-device email's "secure my account" link (its SHA-256), until used or expired.
    "secure_token_hash" TEXT,
    "secure_token_expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "known_devices_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "known_devices_user_id_device_hash_key" ON "known_devices"("user_id", "device_hash");
CREATE UNIQUE INDEX "known_devices_secure_token_hash_key" ON "known_devices"("secure_token_hash");
ALTER TABLE "known_devices" ADD CONSTRAINT "known_devices_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Each token's expiry emails are sent once: the sweep claims a token by setting these in the
-- transaction that queues the email.
ALTER TABLE "api_tokens" ADD COLUMN "expiry_reminder_sent_at" TIMESTAMPTZ(3);
ALTER TABLE "api_tokens" ADD COLUMN "expired_notice_sent_at" TIMESTAMPTZ(3);
-- The reminder and expiry sweeps and the admin page's "expiring" filter read tokens by expiry; the
-- automatic revocation and the "stale" filter by last use (or creation, never used).
CREATE INDEX "api_tokens_expires_at_idx" ON "api_tokens"("expires_at");
CREATE INDEX "api_tokens_last_used_at_created_at_idx" ON "api_tokens"("last_used_at", "created_at");

-- The activity page (/settings/activity) reads one account's events newest first, alone or by
-- category. Alone: the actor index now carries the id too, so the page is an index scan with no
-- sort. By category: one index scan per event type of the category, merged (lib/audit/query.ts),
-- so a rare category costs as much as a common one however long the account's history.
DROP INDEX "audit_events_actor_id_created_at_idx";
CREATE INDEX "audit_events_actor_id_created_at_id_idx" ON "audit_events"("actor_id", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_actor_id_type_created_at_id_idx" ON "audit_events"("actor_id", "type", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_target_type_target_id_type_created_at_id_idx" ON "audit_events"("target_type", "target_id", "type", "created_at" DESC, "id" DESC);
