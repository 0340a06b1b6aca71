import { z } from "zod";
import { issue } from "@/i18n/issues";

/**
 * Audit stream destinations (docs/streaming.md): where every audit event is pushed, signed, in
 * batches of JSON lines. The forms and the server read the same schemas; the server applies the
 * URL rule again with the deployment's own setting (plain http to loopback only outside production).
 */

export const STREAM_BATCH_SIZE = { min: 1, max: 1000, default: 100 } as const;
const STREAM_URL_MAX_LENGTH = 2048;

/** Hosts a plain-http destination may name outside production: a receiver running on this machine. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Why `value` is not a destination URL (a validation key), or null when it is one. */
export function streamUrlProblem(value: string, options: { allowLoopbackHttp: boolean }): string | null {
  if (value.length > STREAM_URL_MAX_LENGTH) return issue("tooLong", { max: STREAM_URL_MAX_LENGTH });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return issue("urlFull");
  }
  if (url.username || url.password) return issue("urlCredentials");
  if (url.protocol === "https:") return url.hostname ? null : issue("urlFull");
  if (url.protocol === "http:" && options.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) return null;
  return options.allowLoopbackHttp ? issue("urlHttpsOrLoopback") : issue("urlHttps");
}

/** A destination's URL as audit rows, code emails and notices name it: scheme, host and path (a query string may carry a receiver's key). */
export function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "";
  }
}

/** The URL rule; the forms' copy allows loopback http (they cannot know the deployment), the server decides. */
function streamUrlSchema(options: { allowLoopbackHttp: boolean }) {
  return z
    .string({ error: issue("urlRequired") })
    .trim()
    .min(1, issue("urlRequired"))
    .superRefine((value, context) => {
      const problem = streamUrlProblem(value, options);
      if (problem) context.addIssue({ code: "custom", message: problem });
    });
}

const nameSchema = z
  .string({ error: issue("destinationName") })
  .trim()
  .min(1, issue("destinationName"))
  .max(64, issue("tooLong", { max: 64 }))
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), issue("plainCharacters"));

// A form posts text; the dialogs turn the field into a number first.
const batchSizeSchema = z.coerce
  .number({ error: issue("wholeNumber") })
  .int(issue("wholeNumber"))
  .min(STREAM_BATCH_SIZE.min, issue("atLeast", { min: STREAM_BATCH_SIZE.min }))
  .max(STREAM_BATCH_SIZE.max, issue("atMost", { max: STREAM_BATCH_SIZE.max }))
  .default(STREAM_BATCH_SIZE.default);

const destinationIdSchema = z.uuid({ error: issue("unknownDestination") }).transform((id) => id.toLowerCase());

/** Where a new destination starts: events from now on, or every event still kept. */
const STREAM_STARTS = ["new", "all"] as const;

function destinationFields(options: { allowLoopbackHttp: boolean }) {
  return { name: nameSchema, url: streamUrlSchema(options), batchSize: batchSizeSchema };
}

/** The add form's schema under the deployment's URL rule (the server uses `allowLoopbackHttp: !isProduction`). */
export function addStreamDestinationSchemaFor(options: { allowLoopbackHttp: boolean }) {
  return z.object({ ...destinationFields(options), start: z.enum(STREAM_STARTS, { error: issue("chooseStart") }).default("new") });
}

export function updateStreamDestinationSchemaFor(options: { allowLoopbackHttp: boolean }) {
  return z.object({ destinationId: destinationIdSchema, ...destinationFields(options) });
}

export const addStreamDestinationSchema = addStreamDestinationSchemaFor({ allowLoopbackHttp: true });
export const updateStreamDestinationSchema = updateStreamDestinationSchemaFor({ allowLoopbackHttp: true });
export const streamDestinationIdSchema = z.object({ destinationId: destinationIdSchema });

export type AddStreamDestinationInput = z.output<typeof addStreamDestinationSchema>;
export type UpdateStreamDestinationInput = z.output<typeof updateStreamDestinationSchema>;
export type StreamDestinationIdInput = z.output<typeof streamDestinationIdSchema>;

/** `paused`: by an admin; `auto_paused`: by the app, after failing for AUDIT_STREAM_PAUSE_AFTER_MINUTES. */
type StreamDestinationState = "active" | "paused" | "auto_paused";

/** One destination as the admin page shows it. Its secret is never part of it. */
export type StreamDestinationDto = {
  id: string;
  name: string;
  url: string;
  batchSize: number;
  state: StreamDestinationState;
  pausedAt: string | null;
  /** Since when every attempt has failed (null while it delivers). */
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** A short description of the last failure ("HTTP 500", "timeout"), never the receiver's answer. */
  lastError: string | null;
  consecutiveFailures: number;
  totalFailures: number;
  deliveredEvents: number;
  /** Events not yet accepted by the receiver, and the age in seconds of the oldest of them. */
  lagEvents: number;
  lagSeconds: number;
  createdAt: string;
};
