-- audit_events becomes a table partitioned by month of created_at (UTC), so retention drops whole
-- months instead of deleting rows one by one (lib/audit/retention.ts), and the job queue creates
-- the months ahead (lib/audit/partitions.ts). The primary key must hold the partition key:
-- (id, created_at); id keeps its sequence, so ids stay unique and ascending. A default partition
-- takes any row no month holds (a clock far off, a month not created), so an insert never fails.
-- The rows are copied into the new table in this migration's transaction.

ALTER TABLE "audit_events" RENAME TO "audit_events_unpartitioned";
ALTER TABLE "audit_events_unpartitioned" RENAME CONSTRAINT "audit_events_pkey" TO "audit_events_unpartitioned_pkey";

CREATE TABLE "audit_events" (
    "id" BIGINT NOT NULL DEFAULT nextval('audit_events_id_seq'),
    "type" TEXT NOT NULL,
    "outcome" "AuditOutcome" NOT NULL,
    "actor_id" UUID,
    "actor_email" TEXT,
    "target_type" TEXT,
    "target_id" TEXT,
    "reason" TEXT,
    "ip" INET,
    "user_agent" TEXT,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tx_id" BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");

ALTER SEQUENCE "audit_events_id_seq" OWNED BY "audit_events"."id";

CREATE TABLE "audit_events_default" PARTITION OF "audit_events" DEFAULT;

-- The month that starts at `month` (UTC): "audit_events_YYYY_MM".
CREATE FUNCTION "audit_events_month_name"(month DATE) RETURNS TEXT LANGUAGE sql IMMUTABLE
  AS $$ SELECT 'audit_events_' || to_char(month, 'YYYY_MM') $$;

-- Creates the month that holds `day` unless it exists, or unless the default partition already
-- holds some of its rows (they stay there: moving them would be a DELETE). The table is made on
-- its own and then attached, which locks the parent only against other DDL (CREATE TABLE …
-- PARTITION OF would lock out every insert and read meanwhile). A partition's TRUNCATE is not
-- stopped by the parent's statement trigger, so each month gets its own.
-- SECURITY DEFINER: an app role that owns nothing (SECURITY.md) still runs the job; it creates a
-- month, nothing else.
CREATE FUNCTION "audit_events_create_month"(day DATE) RETURNS BOOLEAN LANGUAGE plpgsql
  SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  month DATE := date_trunc('month', day)::date;
  lo TIMESTAMPTZ := month::timestamp AT TIME ZONE 'UTC';
  hi TIMESTAMPTZ := (month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
  name TEXT := audit_events_month_name(month);
BEGIN
  -- Two callers at once (the job on two instances, a migration): one at a time.
  PERFORM pg_advisory_xact_lock(hashtext('audit_events_create_month'));
  IF to_regclass(quote_ident(name)) IS NOT NULL THEN RETURN FALSE; END IF;
  IF EXISTS (SELECT 1 FROM audit_events_default WHERE created_at >= lo AND created_at < hi) THEN RETURN FALSE; END IF;
  EXECUTE format('CREATE TABLE %I (LIKE audit_events INCLUDING DEFAULTS)', name);
  EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', name);
  RETURN TRUE;
END;
$$;

-- The months, oldest first, with their bounds.
CREATE FUNCTION "audit_event_months"() RETURNS TABLE (name TEXT, starts_at TIMESTAMPTZ, ends_at TIMESTAMPTZ) LANGUAGE sql STABLE AS $$
  SELECT c.relname::text,
    to_date(substr(c.relname, 14), 'YYYY_MM')::timestamp AT TIME ZONE 'UTC',
    (to_date(substr(c.relname, 14), 'YYYY_MM') + interval '1 month')::timestamp AT TIME ZONE 'UTC'
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_[0-9]{4}_[0-9]{2}$'
  ORDER BY c.relname
$$;

-- Retention of a whole month: with the same rule as the row trigger (a cutoff this transaction
-- set, at least 30 days back, and the whole month older than it), lowers the roll-up counts by
-- exactly the month's rolled-up rows, detaches the month and drops it. Returns how many rows it
-- held. The caller holds audit_rollup_state's row lock, so no roll-up runs meanwhile. Not SECURITY
-- DEFINER: dropping a month takes the table's owner, as deleting rows takes DELETE.
CREATE FUNCTION "audit_events_drop_month"(month_name TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  cutoff TEXT := current_setting('audit.retention_cutoff', true);
  month RECORD;
  dropped BIGINT;
BEGIN
  SELECT * INTO month FROM audit_event_months() m WHERE m.name = month_name;
  IF NOT FOUND THEN RAISE EXCEPTION 'no audit month %', month_name; END IF;
  IF cutoff IS NULL OR cutoff = '' OR cutoff::timestamptz > now() - interval '30 days' OR month.ends_at > cutoff::timestamptz THEN
    RAISE EXCEPTION 'audit_events is append-only (DROP of % refused)', month_name USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- No row can enter or leave the month from here on (readers still can).
  EXECUTE format('LOCK TABLE %I IN SHARE MODE', month_name);
  EXECUTE format($q$
    WITH lost AS (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, type, outcome, count(*) AS n FROM %I
      WHERE tx_id < (SELECT counts_tx_id FROM audit_rollup_state WHERE id = 1)
      GROUP BY 1, 2, 3
    ),
    lowered AS (
      UPDATE audit_event_counts c SET count = c.count - lost.n FROM lost
      WHERE c.day = lost.day AND c.type = lost.type AND c.outcome = lost.outcome
    )
    SELECT (SELECT count(*) FROM %I)$q$, month_name, month_name) INTO dropped;
  EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %I', month_name);
  EXECUTE format('DROP TABLE %I', month_name);
  DELETE FROM audit_sealed_months WHERE name = month_name;
  RETURN dropped;
END;
$$;

-- The feed reads by transaction id, which says nothing of created_at. A month that has ended is
-- sealed (by the job, lib/audit/partitions.ts): its highest tx_id is kept here, and any later
-- insert into it (a row dated in the past) raises the mark through the month's own trigger. A
-- feed read then skips every sealed month whose mark is below its position (lib/audit/query.ts).
CREATE TABLE "audit_sealed_months" (
    "name" TEXT NOT NULL,
    "max_tx_id" BIGINT NOT NULL,

    CONSTRAINT "audit_sealed_months_pkey" PRIMARY KEY ("name")
);

-- Writes only when the mark rises: a bulk insert into a sealed month (one transaction id) updates
-- the row once, not once per row (a chain of row versions that slowed such an insert 10×).
CREATE FUNCTION "audit_events_late_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE audit_sealed_months SET max_tx_id = NEW.tx_id WHERE name = TG_TABLE_NAME AND max_tx_id < NEW.tx_id;
  RETURN NULL;
END;
$$;

-- Seals a month: the trigger first (creating it waits for every transaction still writing into
-- the month, and catches every insert after), then the mark from what the month holds.
CREATE FUNCTION "audit_events_seal_month"(month_name TEXT) RETURNS BOOLEAN LANGUAGE plpgsql
  SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  top BIGINT;
BEGIN
  IF EXISTS (SELECT 1 FROM audit_sealed_months WHERE name = month_name) THEN RETURN FALSE; END IF;
  EXECUTE format('CREATE TRIGGER audit_events_late_insert AFTER INSERT ON %I FOR EACH ROW EXECUTE FUNCTION audit_events_late_insert()', month_name);
  EXECUTE format('SELECT max(tx_id) FROM %I', month_name) INTO top;
  INSERT INTO audit_sealed_months AS s (name, max_tx_id) VALUES (month_name, COALESCE(top, 0))
  ON CONFLICT (name) DO UPDATE SET max_tx_id = GREATEST(s.max_tx_id, EXCLUDED.max_tx_id);
  RETURN TRUE;
END;
$$;

-- Every month the existing events fall in (at most 20 years back: anything older goes to the
-- default partition), and the next three.
SELECT audit_events_create_month(m::date)
FROM generate_series(
  date_trunc('month', GREATEST(LEAST(COALESCE((SELECT min(created_at) FROM audit_events_unpartitioned), now()), now()), now() - interval '20 years') AT TIME ZONE 'UTC'),
  date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months',
  interval '1 month') AS m;

INSERT INTO "audit_events" ("id", "type", "outcome", "actor_id", "actor_email", "target_type", "target_id", "reason", "ip", "user_agent", "metadata", "created_at", "tx_id")
SELECT "id", "type", "outcome", "actor_id", "actor_email", "target_type", "target_id", "reason", "ip", "user_agent", "metadata", "created_at", "tx_id"
FROM "audit_events_unpartitioned";

DROP TABLE "audit_events_unpartitioned";

CREATE INDEX "audit_events_tx_id_id_idx" ON "audit_events"("tx_id", "id");
CREATE INDEX "audit_events_created_at_id_idx" ON "audit_events"("created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_actor_id_created_at_id_idx" ON "audit_events"("actor_id", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_actor_id_type_created_at_id_idx" ON "audit_events"("actor_id", "type", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_target_type_target_id_type_created_at_id_idx" ON "audit_events"("target_type", "target_id", "type", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_actor_email_created_at_id_idx" ON "audit_events"("actor_email" text_pattern_ops, "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_type_created_at_id_idx" ON "audit_events"("type", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_outcome_created_at_id_idx" ON "audit_events"("outcome", "created_at" DESC, "id" DESC);
CREATE INDEX "audit_events_target_type_target_id_created_at_id_idx" ON "audit_events"("target_type", "target_id", "created_at" DESC, "id" DESC);

-- Append-only, as before, on the parent and (cloned by Postgres) on every partition, present and
-- future; TRUNCATE per partition (the months get theirs from audit_events_create_month).
CREATE TRIGGER "audit_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events_default"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();

-- The months that ended over a day ago.
SELECT audit_events_seal_month(name) FROM audit_event_months() WHERE ends_at < now() - interval '1 day';

ANALYZE "audit_events";
