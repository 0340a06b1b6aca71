import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiTokenAction, revokeApiTokenAction } from "@/actions/api-tokens";
import { cancelStepUpAction, resendStepUpCodeAction } from "@/actions/step-up";
import { GET } from "@/app/api/v1/me/route";
import { listApiTokens } from "@/lib/api-tokens/list";
import { db } from "@/lib/db";
import { deliverDueEmails } from "@/lib/email/outbox";
import { getEnv } from "@/lib/env";
import { reportChallenge } from "@/lib/step-up/report";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { AppError } from "@/shared/errors";
import type { StepUpChallengeDto } from "@/shared/step-up";
import { meta } from "@/test/helpers/fixtures";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  ageCode,
  cancelTokenFrom,
  containsSecret,
  dumpDatabase,
  newStepUpUser,
  stepUpEmails,
  verifyStepUp,
  wrongCode,
} from "@/test/helpers/step-up";
import { codeFrom, proofs } from "@/tooling/app-client";

vi.hoisted(() => {
  // Log everything the app is willing to log: the sweep reads it all.
  process.env.LOG_LEVEL = "debug";
});

const logged: string[] = [];

beforeEach(() => {
  logged.length = 0;
  const capture = (...args: unknown[]) =>
    void logged.push(args.map((arg) => (typeof arg === "string" ? arg : (JSON.stringify(arg) ?? String(arg)))).join(" "));
  for (const method of ["log", "info", "warn", "error", "debug"] as const) vi.spyOn(console, method).mockImplementation(capture);
});

afterEach(() => vi.restoreAllMocks());

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

function json(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => (typeof entry === "bigint" ? entry.toString() : entry)) ?? "";
}

function challengeOf(state: ActionState): StepUpChallengeDto {
  if (!state.challenge) throw new Error(`expected step_up_required, got ${json(state)}`);
  return state.challenge;
}

async function runDeferred(): Promise<void> {
  const callbacks = request.state.deferred.splice(0);
  for (const callback of callbacks) await callback();
}

describe("S9/S10: no code or token plaintext outside the email and the one-time display", () => {
  it("after a full flow, no table (except the dev mailbox standing in for the inbox), log line, action result, error or API response holds a secret", async () => {
    const { user, context } = await newStepUpUser("sweep");
    request.state.session = context.session;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);
    const results: unknown[] = [];
    const act = async (state: Promise<ActionState>) => {
      const result = await state;
      results.push(result);
      return result;
    };
    const form = { name: "sweep-token", scopes: ["profile:read"], expiry: "30" };

    // Challenge, the same create with a wrong code, a malformed one, a resend, the old code, then the
    // right code: that one call shows the token once.
    const challenge = challengeOf(await act(createApiTokenAction({ ok: false }, form)));
    const answer = (code: string) =>
      createApiTokenAction({ ok: false }, { ...form, stepUp: { challengeId: challenge.id, proofs: proofs(code) } });
    const firstCode = codeFrom((await stepUpEmails(user.email))[0]?.text ?? "");
    expect(await act(answer(wrongCode(firstCode)))).toMatchObject({ ok: false, code: "CODE_INVALID" });
    expect(await act(answer(` ${firstCode} `))).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    await act(resendStepUpCodeAction(initialActionState, { challengeId: challenge.id }));
    await ageCode(challenge.id, 60);
    await act(resendStepUpCodeAction(initialActionState, { challengeId: challenge.id }));
    const secondCode = codeFrom((await stepUpEmails(user.email))[0]?.text ?? "");
    await act(answer(firstCode));
    // A cross-site post carrying the right code is blocked (and logged).
    request.state.headers = new Headers({ origin: "https://evil.test", "sec-fetch-site": "cross-site" });
    expect(await act(answer(secondCode))).toMatchObject({ ok: false, code: "FORBIDDEN" });
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);

    const shown = await answer(secondCode);
    if (!shown.data) throw new Error(`expected the created token, got ${json(shown)}`);
    const { token, apiToken } = shown.data;
    results.push({ ...shown, data: { ...shown.data, token: "[the one-time display]" } });
    // The used code, sent again, is refused and creates nothing.
    expect(await act(answer(secondCode))).toMatchObject({ ok: false, code: "CODE_INVALID" });
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(1);
    await runDeferred();

    // Use it, list it, revoke it.
    const apiAnswers: string[] = [];
    for (const authorization of [`Bearer ${token}`, `Bearer ${token.slice(0, -1)}x`, `Bearer ${token}  `]) {
      const response = await GET(
        new Request("http://localhost/api/v1/me", { headers: { authorization, "x-forwarded-for": "198.51.100.5" } }),
      );
      apiAnswers.push(`${response.status} ${json([...response.headers])} ${await response.text()}`);
    }
    results.push(await listApiTokens(user.id));
    await act(revokeApiTokenAction(initialActionState, { tokenId: apiToken.id }));
    await runDeferred();

    // A second challenge, dismissed; a third, reported through "This wasn't me".
    const other = await newStepUpUser("sweep-other");
    request.state.session = other.context.session;
    const dismissed = challengeOf(await act(createApiTokenAction({ ok: false }, { ...form, name: "dismissed" })));
    await act(cancelStepUpAction(initialActionState, { challengeId: dismissed.id }));
    const reportedChallenge = challengeOf(await act(createApiTokenAction({ ok: false }, { ...form, name: "reported" })));
    const otherEmails = await stepUpEmails(other.user.email);
    const cancelTokens = [...(await stepUpEmails(user.email)), ...otherEmails].map((email) => cancelTokenFrom(email.text));
    expect(await reportChallenge(cancelTokenFrom(otherEmails[0]?.text ?? ""), meta())).toBe(true);
    const errors: unknown[] = [];
    await verifyStepUp(other.context, { challengeId: reportedChallenge.id, proofs: proofs(codeFrom(otherEmails[0]?.text ?? "")) }).catch(
      (error: unknown) => {
        errors.push(
          error instanceof AppError
            ? { name: error.name, message: error.message, code: error.code, details: error.details, stack: error.stack }
            : error,
        );
      },
    );
    await deliverDueEmails();

    const codes = [firstCode, secondCode, ...otherEmails.map((email) => codeFrom(email.text))];
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    expect(cancelTokens.length).toBeGreaterThanOrEqual(4);

    // Secrets are stored hashed only.
    const codeRows = await db.$queryRaw<
      { code_hash: string }[]
    >`SELECT code_hash FROM one_time_codes WHERE recipient IN (${user.email}, ${other.user.email})`;
    expect(codeRows.length).toBe(3);
    for (const row of codeRows) expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    const challengeRows = await db.$queryRaw<
      { cancel_token_hash: string }[]
    >`SELECT cancel_token_hash FROM step_up_challenges WHERE user_id IN (${user.id}::uuid, ${other.user.id}::uuid)`;
    for (const row of challengeRows) expect(row.cancel_token_hash).toMatch(/^[0-9a-f]{64}$/);

    const dump = await dumpDatabase({ except: ["mailbox_messages"] });
    expect(Object.keys(dump)).toEqual(
      expect.arrayContaining([
        "one_time_codes",
        "step_up_challenges",
        "step_up_grants",
        "api_tokens",
        "audit_events",
        "email_outbox",
        "rate_limits",
        "sessions",
        "users",
      ]),
    );
    expect(dump.audit_events?.length).toBeGreaterThan(0);

    const places: Record<string, string> = {
      ...Object.fromEntries(Object.entries(dump).map(([table, rows]) => [`table ${table}`, rows])),
      logs: logged.join("\n"),
      "action results": json(results),
      errors: json(errors),
      "API responses": apiAnswers.join("\n"),
    };
    expect(places.logs).toContain("action.blocked");
    const leaks: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const code of codes) if (containsSecret(text, code)) leaks.push(`code ${code} in ${place}`);
      if (text.includes(token) || text.includes(token.slice(5))) leaks.push(`API token in ${place}`);
      for (const cancelToken of cancelTokens) if (text.includes(cancelToken)) leaks.push(`cancel token in ${place}`);
    }
    expect(leaks).toEqual([]);
  });

  it("the sweep's matcher finds a planted code and token (so an empty result means something)", async () => {
    const { user } = await newStepUpUser("sweep-canary");
    await db.auditEvent.create({
      data: {
        type: "canary",
        outcome: "SUCCESS",
        actorId: user.id,
        reason: "code 482913 token asec_canaryCANARYcanaryCANARYcanary00000000",
      },
    });
    const dump = await dumpDatabase({ except: ["mailbox_messages"] });
    expect(containsSecret(dump.audit_events ?? "", "482913")).toBe(true);
    expect((dump.audit_events ?? "").includes("asec_canaryCANARYcanaryCANARYcanary00000000")).toBe(true);
    expect(containsSecret("deadbeef482913cafe", "482913")).toBe(false);
  });
});
