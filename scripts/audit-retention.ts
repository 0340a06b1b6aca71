// `npm run audit:prune -- --older-than-days=365 --yes`: the only way audit events are ever
// deleted. Without --yes it only says what it would do.
import { parseArgs } from "node:util";
import { MIN_RETENTION_DAYS, pruneAuditEvents } from "@/lib/audit/retention";
import { db, disconnectDb } from "@/lib/db";

const { values } = parseArgs({ options: { "older-than-days": { type: "string" }, yes: { type: "boolean", default: false } } });
const days = Number(values["older-than-days"]);

try {
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS) {
    throw new Error(`Usage: npm run audit:prune -- --older-than-days=N --yes   (N ≥ ${MIN_RETENTION_DAYS})`);
  }
  if (!values.yes) {
    const [{ count }] = await db.$queryRaw<
      [{ count: bigint }]
    >`SELECT count(*) FROM audit_events WHERE created_at < now() - make_interval(days => ${days})`;
    console.log(`Would delete ${count} audit events older than ${days} days. Run again with --yes to delete them.`);
  } else {
    const { deleted, cutoff } = await pruneAuditEvents(days);
    console.log(`Deleted ${deleted} audit events older than ${cutoff.toISOString()}.`);
  }
  await disconnectDb();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
