import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import type { Env } from "@/lib/env";
import { log } from "@/lib/log";
import { createFrontDoorServer, type FrontDoorOptions } from "@/server/front-door";

/** The most a request body may be: Next.js's own server-action limit (next.config.js), enforced here first. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export type AppServer = { server: Server; address: AddressInfo; close: () => Promise<void> };

/**
 * The app's one HTTP server, for `npm run dev` and `npm start` alike: Next.js (development or
 * production) behind the front door, listening where the configuration says.
 */
export async function startAppServer(env: Env, options: { dev: boolean; dir?: string }): Promise<AppServer> {
  const doorOptions: FrontDoorOptions = {
    bodyLimitBytes: BODY_LIMIT_BYTES,
    trustedProxies: env.TRUSTED_PROXIES,
    headers: { isProduction: env.isProduction, https: env.secureCookies },
    log: (level, event, fields) => log(level, event, fields),
  };
  // Next.js finds the server for hot reload's WebSocket through the first request's socket.
  const app = next({ dev: options.dev, dir: options.dir ?? process.cwd(), hostname: new URL(env.APP_URL).hostname, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createFrontDoorServer((request, response) => handle(request, response), doorOptions);
  const address = await listen(server, env.HOST, env.PORT);
  return {
    server,
    address,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}

export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
