import { randomBytes } from "node:crypto";
import type { RequestMeta } from "@/lib/http/request-meta";

export const meta = (ip = "203.0.113.7"): RequestMeta => ({ ip, userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" });

export const randomEmail = (label = "user") => `${label}-${randomBytes(5).toString("hex")}@example.test`;

export const STRONG_PASSWORD = "violet-tractor-lantern-42";

/** Not six ASCII digits, each in its own way (SECURITY.md "bad input"): refused before anything is spent. */
export const MALFORMED_CODES: [label: string, code: unknown][] = [
  ["5 digits", "12345"],
  ["7 digits", "1234567"],
  ["a letter", "12a456"],
  ["surrounding spaces", " 123456 "],
  ["empty", ""],
  ["Arabic-Indic digits", "١٢٣٤٥٦"],
  ["full-width digits", "１２３４５６"],
  ["an array", ["123456"]],
  ["an object", { code: "123456" }],
  ["a number", 123456],
  ["null", null],
];
