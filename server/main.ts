// The app's server process, started by `npm run dev` (scripts/dev-stack.ts, through tsx) and
// `npm start` (scripts/start.ts, as the bundle scripts/build-server.ts makes of it): Next.js behind
// the front door (server/front-door.ts) on HOST:PORT.
import { ConfigError, getEnv } from "@/lib/env";
import { exposureWarning } from "@/server/listen-address";

async function main() {
  const env = getEnv();
  const dev = !env.isProduction;
  const warning = dev ? exposureWarning(env.HOST, `${env.APP_URL}/dev/mailbox`) : null;
  if (warning) console.warn(warning);
  // Node's source-map support (which tsx turns on, and NODE_OPTIONS may) would parse and keep the
  // map of every module Next.js loads, tens of MB of heap. Off before Next.js is imported.
  if (!dev) process.setSourceMapsEnabled(false);
  const { startAppServer } = await import("@/server/app-server");
  const app = await startAppServer(env, { dev });
  console.log(
    `▸ ${dev ? "Development" : "Production"} server listening on ${formatAddress(app.address.address)}:${app.address.port}; open ${env.APP_URL}`,
  );
  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      void app.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}

function formatAddress(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
