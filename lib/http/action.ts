import "server-only";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { after } from "next/server";
import type { z } from "zod";
import { issueText } from "@/i18n/issues";
import { requestTranslator } from "@/i18n/translator";
import { adminSessionOrNull } from "@/lib/auth/admin";
import { databaseErrorCodes, isDatabaseUnavailable } from "@/lib/db";
import { deliverDueEmails } from "@/lib/email/outbox";
import { getEnv } from "@/lib/env";
import type { PublicRequestContext, RequestContext } from "@/lib/http/context";
import { requestMetaFrom, type RequestMeta } from "@/lib/http/request-meta";
import { errorName, log } from "@/lib/log";
import { checkSameOrigin } from "@/lib/security/same-origin";
import { getCurrentSession } from "@/lib/sessions/current";
import type { CurrentSession } from "@/lib/sessions/lifecycle";
import type { ActionState } from "@/shared/action-state";
import { AppError, errorMessage, type ErrorCode } from "@/shared/errors";
import { stepUpProofSchema, type StepUpProof } from "@/shared/step-up";

type Handler<Schema extends z.ZodType, Context, Data> = (input: z.output<Schema>, context: Context) => Promise<ActionState<Data> | void>;

export type ServerAction<Data> = (previous: ActionState<Data>, input: FormData | Record<string, unknown>) => Promise<ActionState<Data>>;

export type ActionOptions = {
  /** The pages whose server-rendered state a successful run changes ("/settings:layout" for a layout and all below it). */
  revalidate?: string[];
};

/** For the signed-out pages (sign-in, sign-up, verification): CSRF guard + validation + error mapping. */
export function publicAction<Schema extends z.ZodType, Data = unknown>(
  schema: Schema,
  handler: Handler<Schema, PublicRequestContext, Data>,
  options: ActionOptions = {},
): ServerAction<Data> {
  return (_previous, input) => runAction(schema, input, async (meta) => ({ meta }), handler, options);
}

/** For everything a signed-in user does: identity comes from the session, never from the input. */
export function authedAction<Schema extends z.ZodType, Data = unknown>(
  schema: Schema,
  handler: Handler<Schema, RequestContext, Data>,
  options: ActionOptions = {},
): ServerAction<Data> {
  return (_previous, input) => runAction(schema, input, signedIn(getCurrentSession, "UNAUTHENTICATED"), handler, options);
}

/** For admin-only actions: anyone else is refused as if the action did not exist, and recorded. */
export function adminAction<Schema extends z.ZodType, Data = unknown>(
  area: string,
  schema: Schema,
  handler: Handler<Schema, RequestContext, Data>,
  options: ActionOptions = {},
): ServerAction<Data> {
  return (_previous, input) =>
    runAction(
      schema,
      input,
      signedIn(() => adminSessionOrNull(area), "NOT_FOUND"),
      handler,
      options,
    );
}

function signedIn(find: () => Promise<CurrentSession | null>, refusal: ErrorCode) {
  return async (meta: RequestMeta, raw: Record<string, unknown>): Promise<RequestContext> => {
    const session = await find();
    if (!session) throw new AppError(refusal);
    return { meta, session, ...stepUpProofOf(raw) };
  };
}

/**
 * The one path of every action: CSRF guard, zod, context, the domain call, then the common tail
 * on success (the pages it changed re-rendered into the answer, queued notices delivered after
 * the response), and every failure turned into the one ActionState shape, in the request's language.
 */
async function runAction<Schema extends z.ZodType, Context, Data>(
  schema: Schema,
  input: FormData | Record<string, unknown>,
  context: (meta: RequestMeta, raw: Record<string, unknown>) => Promise<Context>,
  handler: Handler<Schema, Context, Data>,
  options: ActionOptions,
): Promise<ActionState<Data>> {
  const raw = toRecord(input);
  const values = echoValues(raw);
  try {
    const requestHeaders = await headers();
    const origin = checkSameOrigin(requestHeaders, getEnv().allowedOrigins);
    if (!origin.ok) {
      log("warn", "action.blocked", { reason: origin.reason });
      return await failure(new AppError("FORBIDDEN"), values);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return await failure(new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsOf(parsed.error) }), values);
    const result = (await handler(parsed.data, await context(requestMetaFrom(requestHeaders), raw))) ?? { ok: true };
    if (result.ok) finish(options);
    return result;
  } catch (error) {
    // A redirect at the end of a handler (signing in, securing the account) is its success: the
    // common tail runs for it too, so its notices (a new-device alert) go out right after.
    if (isNavigation(error)) {
      finish(options);
      throw error;
    }
    if (error instanceof AppError) return failure(error, values);
    const code: ErrorCode = isDatabaseUnavailable(error) ? "UNAVAILABLE" : "INTERNAL";
    log("error", "action.failed", { error: errorName(error), code, causes: databaseErrorCodes(error) });
    return failure(new AppError(code), values);
  }
}

/** Next.js's own control flow (redirect, notFound), which must travel on: unstable_rethrow throws exactly those. */
function isNavigation(error: unknown): boolean {
  try {
    unstable_rethrow(error);
    return false;
  } catch {
    return true;
  }
}

function finish({ revalidate = [] }: ActionOptions): void {
  for (const page of revalidate) {
    const [path = page, scope] = page.split(":");
    if (scope === "layout") revalidatePath(path, "layout");
    else revalidatePath(path);
  }
  after(deliverDueEmails);
}

/** A malformed proof is bad input like any other: refused before anything is compared or counted. */
function stepUpProofOf(raw: Record<string, unknown>): { proof?: StepUpProof } {
  if (raw.stepUp === undefined) return {};
  const parsed = stepUpProofSchema.safeParse(raw.stepUp);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", { fieldErrors: fieldErrorsOf(parsed.error, "stepUp") });
  return { proof: parsed.data };
}

/** A refusal as the form shows it: the message and each field's problems in the reader's words. */
export async function failure(error: AppError, values: Record<string, string> = {}): Promise<ActionState<never>> {
  const { fieldErrors, retryAfterSeconds, attemptsLeft, challenge } = error.details;
  const [errors, validation] = await Promise.all([requestTranslator("errors"), fieldErrors && requestTranslator("validation")]);
  return {
    ok: false,
    code: error.code,
    message: errorMessage(errors, error.code, error.details),
    values,
    ...(fieldErrors &&
      validation && {
        fieldErrors: Object.fromEntries(
          Object.entries(fieldErrors).map(([field, issues]) => [field, issues.map((issue) => issueText(validation, issue))]),
        ),
      }),
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    ...(attemptsLeft !== undefined && { attemptsLeft }),
    ...(challenge && { status: "step_up_required" as const, challenge }),
  };
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
