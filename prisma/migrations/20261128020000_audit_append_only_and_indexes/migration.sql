-- DropIndex
DROP INDEX "audit_events_created_at_idx";

-- CreateIndex
CREATE INDEX "audit_events_created_at_id_idx" ON "audit_events"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_actor_email_created_at_id_idx" ON "audit_events"("actor_email" text_pattern_ops, "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_type_created_at_id_idx" ON "audit_events"("type", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_events_outcome_created_at_id_idx" ON "audit_events"("outcome", "created_at" DESC, "id" DESC);

-- Append-only: the audit log can only grow. UPDATE and TRUNCATE always fail; DELETE fails
-- unless the transaction declared a retention cutoff (scripts/audit-retention.ts does, with
-- SET LOCAL) at least 30 days back, and then only for rows older than that cutoff.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cutoff text := current_setting('audit.retention_cutoff', true);
BEGIN
  IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND cutoff <> ''
     AND cutoff::timestamptz <= now() - interval '30 days' AND OLD.created_at < cutoff::timestamptz THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_no_update_or_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
