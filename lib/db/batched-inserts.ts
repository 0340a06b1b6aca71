import "server-only";
import { db, Prisma, type Tx } from "@/lib/db";

/**
 * Rows that nothing reads back in the transaction that writes them (audit rows, queued emails) can
 * go in together, as one statement sent just before the transaction commits, instead of a round
 * trip each: in a transaction that batches them (`transactionBatchingInserts`). Elsewhere each is
 * inserted at once. Either way they commit with the change or not at all.
 */
export type BatchableInsert = {
  /** Rows of one kind are merged into one INSERT, in the order they were given. */
  kind: string;
  row: Prisma.Sql;
  /** The INSERT of any number of this kind's rows. */
  insertOf: (rows: Prisma.Sql[]) => Prisma.Sql;
};

type Pending = Map<string, { insertOf: BatchableInsert["insertOf"]; rows: Prisma.Sql[] }>;

const pendingByTransaction = new WeakMap<Tx, Pending>();

export async function insertWithTransaction(tx: Tx, insert: BatchableInsert): Promise<void> {
  const pending = pendingByTransaction.get(tx);
  if (!pending) {
    await tx.$executeRaw(insert.insertOf([insert.row]));
    return;
  }
  const kind = pending.get(insert.kind) ?? { insertOf: insert.insertOf, rows: [] };
  kind.rows.push(insert.row);
  pending.set(insert.kind, kind);
}

/** `db.$transaction`, with every batchable insert made in it sent as one statement before it commits. */
export function transactionBatchingInserts<T>(run: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    const pending: Pending = new Map();
    pendingByTransaction.set(tx, pending);
    const value = await run(tx);
    pendingByTransaction.delete(tx);
    const inserts = [...pending.values()].map(
      ({ insertOf, rows }, index) => Prisma.sql`${Prisma.raw(`batched_${index}`)} AS (${insertOf(rows)})`,
    );
    if (inserts.length) await tx.$executeRaw`WITH ${Prisma.join(inserts, ", ")} SELECT 1`;
    return value;
  });
}
