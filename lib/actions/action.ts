import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { adminSessionOrNull } from "@/lib/auth/admin";
import { getCurrentSession } from "@/lib/auth/current";
import type { CurrentSession } from "@/lib/auth/session";
import type { ActionState } from "@/lib/actions/state";
import { isDatabaseUnavailable } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError, errorMessage, type ErrorCode } from "@/lib/errors";
import { requestMetaFrom, type RequestMeta } from "@/lib/http/request-meta";
import { errorName, log } from "@/lib/log";
import { checkSameOrigin } from "@/lib/security/same-origin";
import { stepUpProofSchema, type StepUpProof } from "@/lib/validation/step-up";

export type PublicContext = { meta: RequestMeta };
/** `proof`: the step-up code the modal sends along with the change it was asked for (see withStepUp). */
export type AuthedContext = PublicContext & { session: CurrentSession; proof?: StepUpProof };

type Handler<Schema extends z.ZodType, Context, Data> = (input: z.output<Schema>, context: Context) => Promise<ActionState<Data> | void>;

export type ServerAction<Data> = (previous: ActionState<Data>, input: FormData | Record<string, unknown>) => Promise<ActionState<Data>>;

/** For the signed-out pages (sign-in, sign-up, verification): CSRF guard + validation + error mapping. */
export function publicAction<Schema extends z.ZodType, Data = unknown>(
  schema: Schema,
  handler: Handler<Schema, PublicContext, Data>,
): ServerAction<Data> {
  return (_previous, input) => runAction(schema, input, async (meta) => ({ meta }), handler);
}

/** For everything a signed-in user does: identity comes from the session, never from the input. */
export function authedAction<Schema extends z.ZodType, Data = unknown>(
  schema: Schema,
  handler: Handler<Schema, AuthedContext, Data>,
): ServerAction<Data> {
  return (_previous, input) =>
    runAction(
      schema,
      input,
      async (meta, raw) => {
        const session = await getCurrentSession();
        if (!session) throw new AppError("UNAUTHENTICATED");
        return { meta, session, ...stepUpProofOf(raw) };
      },
      handler,
    );
}

/** For admin-only actions: anyone else is refused as if the action did not exist, and recorded. */
export function adminAction<Schema extends z.ZodType, Data = unknown>(
  area: string,
  schema: Schema,
  handler: Handler<Schema, AuthedContext, Data>,
): ServerAction<Data> {
  return (_previous, input) =>
    runAction(
      schema,
      input,
      async (meta, raw) => {
        const session = await adminSessionOrNull(area);
        if (!session) throw new AppError("NOT_FOUND");
        return { meta, session, ...stepUpProofOf(raw) };
      },
      handler,
    );
}

async function runAction<Schema extends z.ZodType, Context, Data>(
  schema: Schema,
  input: FormData | Record<string, unknown>,
  context: (meta: RequestMeta, raw: Record<string, unknown>) => Promise<Context>,
  handler: Handler<Schema, Context, Data>,
): Promise<ActionState<Data>> {
  const raw = toRecord(input);
  const values = echoValues(raw);
  try {
    const requestHeaders = await headers();
    const origin = checkSameOrigin(requestHeaders, getEnv().allowedOrigins);
    if (!origin.ok) {
      log("warn", "action.blocked", { reason: origin.reason });
      return failure("FORBIDDEN", values);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { ...failure("VALIDATION_FAILED", values), fieldErrors: fieldErrorsOf(parsed.error) };
    const result = await handler(parsed.data, await context(requestMetaFrom(requestHeaders), raw));
    return result ?? { ok: true };
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AppError) {
      const { fieldErrors, retryAfterSeconds, attemptsLeft, challenge } = error.details;
      return {
        ...failure(error.code, values, errorMessage(error.code, error.details)),
        ...(fieldErrors && { fieldErrors }),
        ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
        ...(attemptsLeft !== undefined && { attemptsLeft }),
        ...(challenge && { status: "step_up_required" as const, challenge }),
      };
    }
    const code: ErrorCode = isDatabaseUnavailable(error) ? "UNAVAILABLE" : "INTERNAL";
    log("error", "action.failed", { error: errorName(error), code });
    return failure(code, values);
  }
}

/** A malformed proof is bad input like any other: refused before anything is compared or counted. */
function stepUpProofOf(raw: Record<string, unknown>): { proof?: StepUpProof } {
  if (raw.stepUp === undefined) return {};
  const parsed = stepUpProofSchema.safeParse(raw.stepUp);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsOf(parsed.error, "stepUp") });
  return { proof: parsed.data };
}

function failure(code: ErrorCode, values: Record<string, string>, message = errorMessage(code)): ActionState<never> {
  return { ok: false, code, message, values };
}

function toRecord(input: FormData | Record<string, unknown>): Record<string, unknown> {
  if (!(input instanceof FormData)) return input ?? {};
  const record: Record<string, unknown> = {};
  for (const key of new Set(input.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const values = input.getAll(key).map((value) => (typeof value === "string" ? value : undefined));
    // Repeated keys (checkbox groups) become arrays; single keys stay plain strings.
    record[key] = values.length > 1 || key.endsWith("[]") ? values : values[0];
  }
  return record;
}

const SECRET_FIELD = /password|code|token|secret/i;

function echoValues(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw)
      .filter((entry): entry is [string, string] => typeof entry[1] === "string" && !SECRET_FIELD.test(entry[0]))
      .map(([key, value]) => [key, value.slice(0, 500)]),
  );
}

function fieldErrorsOf(error: z.ZodError, prefix?: string): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = [prefix, ...issue.path].filter((part) => part !== undefined).join(".") || "form";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
