import { AsyncLocalStorage } from "node:async_hooks";
import { vi } from "vitest";

type Slot = { client?: unknown };

export type SecondInstance<T> = {
  modules: T;
  /** Runs `fn` as the second instance: every query inside it uses that instance's own Prisma client and pool. */
  run: <R>(fn: () => Promise<R>) => Promise<R>;
  /** True once the second instance has made its own database client (a different pool from the first). */
  hasOwnClient: () => boolean;
  close: () => Promise<void>;
};

/**
 * A second "app instance" in this process: fresh module instances (own env cache, own Prisma
 * client, own connection pool) talking to the same database. lib/db keeps its client on
 * `globalThis.stepUpDb`; that slot is made per-instance with AsyncLocalStorage.
 */
export async function startSecondInstance<T>(load: () => Promise<T>): Promise<SecondInstance<T>> {
  const global = globalThis as { stepUpDb?: unknown };
  const main: Slot = { client: global.stepUpDb };
  const second: Slot = {};
  const storage = new AsyncLocalStorage<Slot>();
  Object.defineProperty(globalThis, "stepUpDb", {
    configurable: true,
    enumerable: true,
    get: () => (storage.getStore() ?? main).client,
    set: (value: unknown) => {
      (storage.getStore() ?? main).client = value;
    },
  });
  vi.resetModules();
  const modules = await load();
  const dbModule = await import("@/lib/db");
  const run = <R>(fn: () => Promise<R>) => storage.run(second, fn);
  return {
    modules,
    run,
    hasOwnClient: () => second.client !== undefined && second.client !== main.client,
    close: async () => {
      await run(() => dbModule.disconnectDb());
      Reflect.deleteProperty(globalThis, "stepUpDb");
      global.stepUpDb = main.client;
    },
  };
}
