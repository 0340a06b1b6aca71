-- Roll-ups that keep the admin audit page's chart and attention panel independent of how many
-- events the log holds (lib/audit/rollups.ts). Writers never touch them: the job queue folds
-- committed events in behind a transaction-id watermark, and a read adds the few events past it.

-- Events per UTC day, type and outcome, for every event whose tx_id is below
-- audit_rollup_state.counts_tx_id.
CREATE TABLE "audit_event_counts" (
    "day" DATE NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" "AuditOutcome" NOT NULL,
    "count" BIGINT NOT NULL,

    CONSTRAINT "audit_event_counts_pkey" PRIMARY KEY ("day", "type", "outcome")
);

-- The refused and failed events of each address over the 24 hours up to attention_at, for every
-- event whose tx_id is below audit_rollup_state.attention_tx_id (rebuilt by the job each minute).
CREATE TABLE "audit_attention_window" (
    "actor_email" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "lockouts" INTEGER NOT NULL,
    "rate_limited" INTEGER NOT NULL,

    CONSTRAINT "audit_attention_window_pkey" PRIMARY KEY ("actor_email")
);
CREATE INDEX "audit_attention_window_total_actor_email_idx" ON "audit_attention_window"("total" DESC, "actor_email");

-- One row: how far each roll-up has got. A transaction id below a watermark belongs to a
-- transaction that had ended when the roll-up read (pg_snapshot_xmin), so it is counted exactly
-- once: by the roll-up if it committed, never if it rolled back; everything at or above is read live.
CREATE TABLE "audit_rollup_state" (
    "id" SMALLINT NOT NULL,
    "counts_tx_id" BIGINT NOT NULL,
    "attention_tx_id" BIGINT NOT NULL,
    "attention_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_rollup_state_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_rollup_state_single_row" CHECK ("id" = 1)
);
-- Nothing rolled up yet: every event is read live until the job first runs.
INSERT INTO "audit_rollup_state" ("id", "counts_tx_id", "attention_tx_id", "attention_at") VALUES (1, 0, 0, '-infinity');

-- The watermarks as STABLE functions, for the reads' conditions on audit_events: the planner
-- evaluates a stable function to estimate how many rows a condition keeps, but not a subquery or
-- a CTE, for which it assumes a third of the table and would scan the whole 24 hours (or 30 days)
-- by created_at instead of the few events past the watermark by tx_id. Within a statement they
-- read that statement's snapshot, so they agree with the roll-up tables it reads.
CREATE FUNCTION "audit_counts_tx_id"() RETURNS BIGINT LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT counts_tx_id FROM audit_rollup_state WHERE id = 1 $$;
CREATE FUNCTION "audit_attention_tx_id"() RETURNS BIGINT LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT attention_tx_id FROM audit_rollup_state WHERE id = 1 $$;
CREATE FUNCTION "audit_attention_at"() RETURNS TIMESTAMPTZ LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT attention_at FROM audit_rollup_state WHERE id = 1 $$;
