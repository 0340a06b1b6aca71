import "server-only";
import { actorLabel, type AuditEventDto } from "@/shared/audit";

const COLUMNS: [header: string, value: (event: AuditEventDto) => string | null][] = [
  ["time_utc", (event) => event.createdAt],
  ["actor_email", actorLabel],
  ["type", (event) => event.type],
  ["outcome", (event) => event.outcome],
  ["target", (event) => event.target],
  ["reason", (event) => event.reason],
  ["ip", (event) => event.ip],
  ["device", (event) => event.device],
  // Added last, so a parser of the earlier columns by position keeps working.
  ["description", (event) => event.sentence],
  ["target_name", (event) => event.targetName],
];

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: always quoted, quotes doubled, and never read as a formula. */
function csvCell(value: string | null): string {
  if (value === null || value === "") return "";
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function auditCsvHeader(): string {
  return `${COLUMNS.map(([header]) => header).join(",")}\r\n`;
}

export function toCsvRows(events: AuditEventDto[]): string {
  return events.map((event) => `${COLUMNS.map(([, value]) => csvCell(value(event))).join(",")}\r\n`).join("");
}
