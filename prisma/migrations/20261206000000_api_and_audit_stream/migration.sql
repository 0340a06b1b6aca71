-- The audit feed's order: the writing transaction's id, then the row id. A reader only takes rows
-- whose transaction is older than every transaction still running (pg_snapshot_xmin), so a row
-- can never appear behind a position a reader has already passed: an incremental pull or a stream
-- destination never skips or repeats an event while others are being written. Existing rows all
-- get this migration's transaction id and keep their id order.
ALTER TABLE "audit_events" ADD COLUMN "tx_id" BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX "audit_events_tx_id_id_idx" ON "audit_events"("tx_id", "id");

-- Where audit events are pushed (lib/audit-stream): each destination keeps its own position in
-- the feed, advanced only after the receiver accepted a batch.
CREATE TABLE "audit_stream_destinations" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "batch_size" INTEGER NOT NULL,
    -- The Standard Webhooks signing secret, encrypted (it must be read back to sign).
    "secret_sealed" TEXT NOT NULL,
    "paused_at" TIMESTAMPTZ(3),
    "paused_reason" TEXT,
    "position_tx_id" BIGINT NOT NULL,
    "position_event_id" BIGINT NOT NULL,
    "delivered_events" BIGINT NOT NULL DEFAULT 0,
    -- One deliverer at a time, whichever instance: a lease, not a row lock, because a transaction
    -- held open across an HTTP request would hold back the feed itself.
    "lease_owner" UUID,
    "lease_expires_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "failing_since" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "total_failures" INTEGER NOT NULL DEFAULT 0,
    "last_success_at" TIMESTAMPTZ(3),
    "last_failure_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_stream_destinations_pkey" PRIMARY KEY ("id")
);
