import pg from "pg";

/** A statement as `pg` was asked to send it: its text, and its name when it is a named prepared statement. */
export type SentStatement = { text: string; name?: string };

/** The SQL statements `fn` sends (Prisma's adapter runs on `pg`, and binds parameters apart). */
export async function statementsOf<T>(fn: () => Promise<T>): Promise<{ value: T; statements: SentStatement[] }> {
  const statements: SentStatement[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [query] = args;
    const config = typeof query === "string" ? { text: query } : ((query ?? {}) as { text?: string; name?: string });
    statements.push({ text: config.text ?? "", ...(config.name ? { name: config.name } : {}) });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { value: await fn(), statements };
  } finally {
    pg.Client.prototype.query = original;
  }
}
