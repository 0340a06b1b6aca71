import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { expect, test } from "@playwright/test";
import { randomEmail } from "./helpers/accounts";
import { flushedServerLogSince, serverLogOffset } from "./helpers/server-log";

/**
 * The development server as `npm run dev` runs it (e2e/server.ts starts the same stack): it is
 * reachable from this machine only, and what a browser or a script sends that is too large or
 * malformed gets a clear 4xx, never a 500 or an uncaught exception in the log.
 */

const PORT = 3100;

/** Local addresses of the sockets listening on `port`, read from the kernel's table (Linux). */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const [file, decode] of [
    [
      "/proc/net/tcp",
      (hex: string) =>
        (hex.match(/../g) ?? [])
          .reverse()
          .map((byte) => Number.parseInt(byte, 16))
          .join("."),
    ],
    [
      "/proc/net/tcp6",
      (hex: string) => (hex === "0".repeat(32) ? "::" : hex === "00000000000000000000000001000000" ? "::1" : `ipv6:${hex}`),
    ],
  ] as const) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").trim().split("\n").slice(1)) {
      const [, local = "", , state] = line.trim().split(/\s+/);
      const [address = "", portHex = ""] = local.split(":");
      if (state === "0A" && Number.parseInt(portHex, 16) === port) addresses.push(decode(address));
    }
  }
  return addresses;
}

function refusesConnection(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(true);
    });
  });
}

test("the development server listens on loopback only: nothing but this machine reaches its mailbox", async () => {
  if (existsSync("/proc/net/tcp")) expect(listeningAddresses(PORT)).toEqual(["127.0.0.1"]);
  const elsewhere = Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry && !entry.internal)
    .map((entry) => entry!.address);
  for (const address of elsewhere) expect(await refusesConnection(address, PORT), `connecting to ${address}:${PORT}`).toBe(true);
  expect(await refusesConnection("127.0.0.1", PORT)).toBe(false);
});

test.describe("a form posted without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("with more than 64 KB in it gets a page that says so, and nothing is sent on", async ({ page }) => {
    await page.goto("/login");
    const email = randomEmail("too-large");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill("a".repeat(70_000));
    const response = page.waitForResponse(
      (candidate) => candidate.request().method() === "POST" && (candidate.request().postData() ?? "").includes(email),
    );
    await page.getByRole("button", { name: "Sign in" }).click();
    expect((await response).status()).toBe(413);
    await expect(page.getByRole("heading", { name: "That could not be sent" })).toBeVisible();
    await expect(page.getByText("Go back, shorten what you entered and send it again.")).toBeVisible();
  });
});

test("requests that are too large, malformed or sent to the wrong place get a 4xx and leave no error in the log", async ({ request }) => {
  const offset = serverLogOffset();
  const action = {
    "next-action": "7f0000000000000000000000000000000000000000",
    "content-type": "text/plain;charset=UTF-8",
    origin: `http://localhost:${PORT}`,
  };
  const probes = [
    {
      path: "/api/v1/anything",
      headers: { "next-action": action["next-action"], "content-type": "text/plain" },
      data: "anything",
      status: 405,
    },
    { path: "/login", headers: action, data: "a".repeat(5_000_000), status: 413 },
    { path: "/login", headers: action, data: "[".repeat(30_000) + "]".repeat(30_000), status: 400 },
    { path: "/login", headers: action, data: '["$1"]', status: 400 },
    { path: "/login", headers: { ...action, origin: "http://evil.test" }, data: "[]", status: 403 },
  ];
  for (const probe of probes) {
    const response = await request.post(probe.path, { headers: probe.headers, data: probe.data });
    expect(response.status(), `${probe.path} ${probe.data.slice(0, 20)}`).toBe(probe.status);
    expect(Object.keys(await response.json()).sort()).toEqual(["error", "message"]);
  }
  const log = await flushedServerLogSince(request, offset, `front-door-${Date.now()}`);
  expect(log).not.toMatch(/uncaughtException|⨯/);
});
