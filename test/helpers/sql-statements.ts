import pg from "pg";

/**
 * The SQL statements `fn` sends, as text (Prisma's adapter runs on `pg`, and binds parameters
 * apart), and beside each its name when it went as a named prepared statement ("" when unnamed).
 */
export async function statementsOf<T>(fn: () => Promise<T>): Promise<{ value: T; statements: string[]; names: string[] }> {
  const statements: string[] = [];
  const names: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [query] = args;
    const config = typeof query === "string" ? { text: query } : ((query ?? {}) as { text?: string; name?: string });
    statements.push(config.text ?? "");
    names.push(config.name ?? "");
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { value: await fn(), statements, names };
  } finally {
    pg.Client.prototype.query = original;
  }
}
