import { PHASE_PRODUCTION_SERVER } from "next/constants.js";

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Lets the end-to-end server build into its own folder, so tests can run while `npm run dev` does.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The dev server would otherwise print server-action arguments, which include codes and tokens.
  logging: { serverFunctions: false },
  serverExternalPackages: ["@node-rs/argon2", "pg-boss"],
  experimental: {
    serverActions: { bodySizeLimit: "64kb" },
  },
};

// next-intl's plugin only sets build-time aliases, yet importing it loads @swc/core's native
// binding and a file watcher (about 15 MB resident): the production server, which reads this file
// too, goes without it.
export default async function config(phase) {
  if (phase === PHASE_PRODUCTION_SERVER) return nextConfig;
  const { default: createNextIntlPlugin } = await import("next-intl/plugin");
  return createNextIntlPlugin("./i18n/request.ts")(nextConfig);
}
