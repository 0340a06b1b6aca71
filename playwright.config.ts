import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const PORT = 3100;
const BASE_URL = `http://localhost:${PORT}`;
const CI = !!process.env.CI;

// Playwright's own browser download is not always possible (offline CI); Debian's Chromium works.
const SYSTEM_CHROMIUM = "/usr/bin/chromium";
const executablePath = existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined;
// Chromium refuses to sandbox as root (CI containers); the rest keeps it quiet and offline.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/helpers/global-setup.ts",
  fullyParallel: false,
  forbidOnly: CI,
  workers: 2,
  retries: CI ? 1 : 0,
  reporter: CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  // Turbopack compiles each route on its first visit (~10 s on a 2-core machine).
  timeout: 90_000,
  expect: { timeout: 20_000 },
  use: {
    baseURL: BASE_URL,
    navigationTimeout: 60_000,
    actionTimeout: 20_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      // The visual tour is a project of its own (`npm run test:visual`); `npm test` runs both on one server.
      testIgnore: "**/e2e/visual/**",
      use: { ...devices["Desktop Chrome"], launchOptions: { executablePath, args: chromiumArgs } },
    },
    {
      // Every screen and dialog at 1280 and 390 px, light and dark, English and German (e2e/visual/tour.spec.ts).
      name: "visual",
      testDir: "e2e/visual",
      use: { ...devices["Desktop Chrome"], launchOptions: { executablePath, args: chromiumArgs } },
    },
  ],
  webServer: {
    command: "npx tsx --import ./scripts/server-only-hook.mjs e2e/server.ts",
    url: `${BASE_URL}/login`,
    timeout: 180_000,
    reuseExistingServer: !CI,
    // SIGINT lets e2e/server.ts stop next, then Postgres, and delete the throwaway data directory.
    gracefulShutdown: { signal: "SIGINT", timeout: 20_000 },
    stdout: "ignore",
    stderr: "pipe",
  },
});
