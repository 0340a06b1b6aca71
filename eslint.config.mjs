import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { architecture } from "./tooling/eslint/architecture.mjs";

/**
 * The layers, and what each may import (README "How it fits together"):
 *   app/ (routes) → components/ (UI) → actions/ ('use server') → lib/ (server-only domain) → shared/ (client-safe)
 * server/ is the HTTP server process; tooling/ and test/ serve development and tests only.
 */
const forbid = (files, groups, message) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [{ group: groups, message }] }] },
});
const DEV_ONLY = ["@/tooling/*", "@/test/*"];
const NOT_SHIPPED = "Production code never imports tooling or tests.";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "generated/**",
      ".data/**",
      ".scratch/**",
      "node_modules/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    plugins: { architecture },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "architecture/client-imports": "error",
    },
  },
  forbid(
    ["shared/**"],
    ["@/lib/*", "@/server/*", "@/app/*", "@/components/*", "@/actions/*", "server-only", "node:*", ...DEV_ONLY],
    "shared/ is client-safe: it imports only shared/ and packages.",
  ),
  forbid(
    ["components/**"],
    ["@/lib/*", "@/server/*", "@/app/*", "server-only", ...DEV_ONLY],
    "components/ import shared/, actions/ and components/ only.",
  ),
  forbid(
    ["actions/**"],
    ["@/app/*", "@/components/*", "@/server/*", ...DEV_ONLY],
    "actions/ wire lib/ to the UI: they import lib/ and shared/.",
  ),
  forbid(
    ["lib/**"],
    ["@/app/*", "@/components/*", "@/actions/*", "@/server/*", ...DEV_ONLY],
    "lib/ is the domain layer: it imports lib/ and shared/ only.",
  ),
  forbid(["app/**", "proxy.ts", "instrumentation.ts"], ["@/server/*", ...DEV_ONLY], NOT_SHIPPED),
  forbid(
    ["server/**"],
    ["@/app/*", "@/components/*", "@/actions/*", ...DEV_ONLY],
    "server/ is the HTTP server: it imports lib/ and shared/ only.",
  ),
  forbid(["scripts/start.ts", "scripts/migrate.ts", "scripts/audit-retention.ts", "scripts/server-runtime.ts"], DEV_ONLY, NOT_SHIPPED),
  { files: ["lib/**"], rules: { "architecture/server-only-marker": "error" } },
];

export default config;
