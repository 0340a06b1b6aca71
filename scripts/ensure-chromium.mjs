// First step of `npm test`: the end-to-end tests need a Chromium. Uses Debian's (/usr/bin/chromium)
// or Playwright's own when one is there, installs Debian's when it can (root with apt-get), and
// otherwise stops at once with the command to run, instead of failing minutes later in Playwright.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// playwright.config.ts uses this one when it exists.
const SYSTEM_CHROMIUM = "/usr/bin/chromium";

async function playwrightChromium() {
  try {
    const { chromium } = await import("@playwright/test");
    const path = chromium.executablePath();
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function canInstallWithApt() {
  return process.getuid?.() === 0 && spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
}

function aptInstall() {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { stdio: "inherit", env }).status === 0;
  if (install()) return true;
  // A fresh machine may not have the package lists yet.
  return spawnSync("apt-get", ["update"], { stdio: "inherit", env }).status === 0 && install();
}

const found = existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : await playwrightChromium();
if (found) {
  console.log(`▸ Chromium for the end-to-end tests: ${found}`);
} else if (canInstallWithApt()) {
  console.log("▸ No Chromium found; installing Debian's (apt-get install chromium) …");
  if (!aptInstall() || !existsSync(SYSTEM_CHROMIUM)) {
    console.error("Could not install Chromium with apt-get (see above). Install it, then run `npm test` again.");
    process.exit(1);
  }
} else {
  console.error(
    [
      "The end-to-end tests need Chromium, and none is installed. Install one, then run `npm test` again:",
      "  sudo apt-get install -y chromium        (Debian or Ubuntu)",
      "  npx playwright install chromium         (anywhere Playwright can download its browser)",
    ].join("\n"),
  );
  process.exit(1);
}
