import { closeSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";

/** The e2e server's output, which e2e/server.ts appends to this file as well as printing it. */
const SERVER_LOG_FILE = path.join(process.cwd(), ".data", "e2e-server.log");

/** Where the log ends now: read from here later to get only what was written in between. */
export function serverLogOffset(): number {
  try {
    return statSync(SERVER_LOG_FILE).size;
  } catch {
    throw new Error(`${SERVER_LOG_FILE} is missing: is the e2e server started by e2e/server.ts (which writes it)?`);
  }
}

// Colours (next dev colours its request lines) would otherwise sit inside the text searched.
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function readServerLogSince(offset: number): string {
  const length = serverLogOffset() - offset;
  if (length <= 0) return "";
  const buffer = Buffer.alloc(length);
  const fd = openSync(SERVER_LOG_FILE, "r");
  try {
    readSync(fd, buffer, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("utf8").replace(ANSI_ESCAPE, "");
}

/**
 * Requests a marker URL and waits until the server's log line for it has reached the file, so the
 * log read afterwards holds everything the server printed before it. Returns that log.
 */
export async function flushedServerLogSince(request: APIRequestContext, offset: number, marker: string): Promise<string> {
  await request.get(`/login?log-marker=${marker}`);
  let log = "";
  await expect
    .poll(
      () => {
        log = readServerLogSince(offset);
        return log.includes(marker);
      },
      { message: `the server log (${SERVER_LOG_FILE}) shows the request for marker ${marker}`, timeout: 10_000 },
    )
    .toBe(true);
  return log;
}
