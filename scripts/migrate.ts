import { migrate } from "@/lib/db/migrate";
import { requireDatabaseUrl } from "@/lib/env";

try {
  const { applied } = await migrate({ databaseUrl: requireDatabaseUrl(), log: (line) => console.log(line) });
  if (applied.length === 0) console.log("Database is up to date");
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
