import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

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

export default withNextIntl(nextConfig);
