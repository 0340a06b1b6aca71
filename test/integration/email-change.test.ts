import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { cancelEmailChangeAction, confirmEmailChangeAction, requestEmailChangeAction } from "@/actions/account";
import { cancelEmailChange, confirmEmailChange, getPendingEmailChange, requestEmailChange } from "@/lib/account/change-email";
import { findReportableEmailChange, reportEmailChange } from "@/lib/account/report-email-change";
import { createApiToken } from "@/lib/api-tokens/create";
import { db } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverDueEmails } from "@/lib/email/outbox";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { initialActionState, type ActionState } from "@/shared/action-state";
import { maskEmail } from "@/shared/format";
import type { StepUpChallengeDto } from "@/shared/step-up";
import { meta, randomEmail } from "@/test/helpers/fixtures";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import {
  ageCode,
  auditCount,
  completeStepUp,
  containsSecret,
  dumpDatabase,
  EMAIL_CODE_AND_SECOND_FACTOR,
  EMAIL_CODE_ONLY,
  expectAppError,
  expectStepUpRequired,
  latestStepUpCode,
  newContext,
  newSession,
  newStepUpUser,
  newUser,
  passTime,
  resetSendLimit,
  stepUpEmails,
  tokenRequest,
  triggerChallenge,
  verifyStepUp,
  wrongCode,
  type TestUser,
} from "@/test/helpers/step-up";
import { enableTwoFactorFor, totpCode } from "@/test/helpers/two-factor";
import { codeFrom, proofs } from "@/tooling/app-client";

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
});

const CONFIRM_SUBJECT = "Confirm your new email address";
const CHANGED_SUBJECT = "Your account's email address was changed";
const DAY_SECONDS = 24 * 3600;

/** Step-up for changing to `newEmail` (the code goes to the current address), leaving a single-use grant. */
async function approveEmailChange(context: RequestContext, newEmail: string): Promise<void> {
  await resetSendLimit(context.session.user.id);
  await completeStepUp(context, "email.change", { newEmail });
}

async function startEmailChange(context: RequestContext, newEmail: string) {
  await approveEmailChange(context, newEmail);
  return requestEmailChange(context, { newEmail });
}

async function confirmMessages(to: string) {
  return (await listMailboxMessages({ to, limit: 200 })).filter((message) => message.subject === CONFIRM_SUBJECT);
}

/** The code in the newest confirmation email to `to`. */
async function newAddressCode(to: string): Promise<string> {
  const [message] = await confirmMessages(to);
  if (!message) throw new Error(`no confirmation email to ${to}`);
  return codeFrom(message.text);
}

async function emailOf(userId: string): Promise<string> {
  return (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } })).email;
}

async function latestChangeId(userId: string): Promise<string> {
  return (await db.emailChange.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" }, select: { id: true } })).id;
}

/** The context a fresh request of `session` would get (the session re-resolved from the database). */
async function refreshed(context: RequestContext): Promise<RequestContext> {
  const session = await resolveSession(context.session.id);
  if (!session) throw new Error("session no longer resolves");
  return { session, meta: context.meta };
}

function reportTokenFrom(text: string): string {
  const match = /\/email-change\/report\?token=([A-Za-z0-9_%-]+)/.exec(text);
  if (!match?.[1]) throw new Error("no report link in message");
  return decodeURIComponent(match[1]);
}

describe("requesting an email change", () => {
  it("without a step-up grant nothing is pending and no code goes to the new address", async () => {
    const { user, context } = await newStepUpUser("change-no-grant");
    const newEmail = randomEmail("new");
    const challenge = await expectStepUpRequired(requestEmailChange(context, { newEmail }));
    expect(challenge).toMatchObject({ action: "email.change", steps: EMAIL_CODE_ONLY, maskedEmail: maskEmail(user.email) });
    expect(challenge.description).toBe(`change your email address to ${maskEmail(newEmail)}`);

    expect(await getPendingEmailChange(user.id)).toBeNull();
    expect(await db.emailChange.count({ where: { userId: user.id } })).toBe(0);
    expect(await listMailboxMessages({ to: newEmail })).toHaveLength(0);
    expect(await auditCount("email.change_requested", user.id)).toBe(0);
    expect(await emailOf(user.id)).toBe(user.email);
  });

  it("after step-up the new address gets a code; the account keeps its email until the code is entered", async () => {
    const { user, context } = await newStepUpUser("change-happy");
    const newEmail = randomEmail("new");
    const pending = await startEmailChange(context, newEmail);

    expect(pending.newEmail).toBe(newEmail);
    const hoursLeft = (Date.parse(pending.expiresAt) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(23.9);
    expect(hoursLeft).toBeLessThanOrEqual(24.01);
    expect(await getPendingEmailChange(user.id)).toEqual(pending);
    expect(await confirmMessages(newEmail)).toHaveLength(1);
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await db.auditEvent.findFirstOrThrow({ where: { type: "email.change_requested", actorId: user.id } })).toMatchObject({
      outcome: "SUCCESS",
      reason: null,
    });

    // The single-use grant is spent: the same request again (after the resend cooldown) needs a new step-up.
    await passTime(context, 61);
    await expectStepUpRequired(requestEmailChange(context, { newEmail }));
    expect(await confirmMessages(newEmail)).toHaveLength(1);

    expect(await confirmEmailChange(context, { code: await newAddressCode(newEmail) })).toEqual({ email: newEmail });
    expect(await emailOf(user.id)).toBe(newEmail);
    expect(await getPendingEmailChange(user.id)).toBeNull();
    expect(await auditCount("email.changed", user.id)).toBe(1);
    // Used once: the same code again finds nothing to confirm.
    await expectAppError(confirmEmailChange(context, { code: await newAddressCode(newEmail) }), "CODE_EXPIRED");
  });

  it("wrong codes count down; after five even the right code is refused and the email stays", async () => {
    const { user, context } = await newStepUpUser("change-wrong");
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    const code = await newAddressCode(newEmail);

    for (const left of [4, 3, 2, 1]) {
      const error = await expectAppError(confirmEmailChange(context, { code: wrongCode(code) }), "CODE_INVALID");
      expect(error.details.attemptsLeft).toBe(left);
    }
    await expectAppError(confirmEmailChange(context, { code: wrongCode(code) }), "TOO_MANY_ATTEMPTS");
    await expectAppError(confirmEmailChange(context, { code }), "TOO_MANY_ATTEMPTS");

    expect(await emailOf(user.id)).toBe(user.email);
    expect(await auditCount("email.changed", user.id)).toBe(0);
    expect(await db.auditEvent.count({ where: { type: "email.change_failed", actorId: user.id, outcome: "FAILURE" } })).toBe(6);
  });

  it("the code works for 24 hours and not after", async () => {
    const { user, context } = await newStepUpUser("change-expiry");
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    const code = await newAddressCode(newEmail);
    const changeId = await latestChangeId(user.id);

    await ageCode(changeId, DAY_SECONDS - 60);
    expect(await getPendingEmailChange(user.id)).not.toBeNull();
    await ageCode(changeId, 61);
    expect(await getPendingEmailChange(user.id)).toBeNull();

    await expectAppError(confirmEmailChange(context, { code }), "CODE_EXPIRED");
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await auditCount("email.changed", user.id)).toBe(0);
  });

  it("a second request voids the first code", async () => {
    const { user, context } = await newStepUpUser("change-twice");
    const first = randomEmail("first");
    const second = randomEmail("second");
    await startEmailChange(context, first);
    const firstCode = await newAddressCode(first);
    await startEmailChange(context, second);
    const secondCode = await newAddressCode(second);
    expect((await getPendingEmailChange(user.id))?.newEmail).toBe(second);

    if (firstCode !== secondCode) await expectAppError(confirmEmailChange(context, { code: firstCode }), "CODE_INVALID");
    expect(await db.emailChange.count({ where: { userId: user.id, newEmail: first, code: { consumedAt: null } } })).toBe(0);
    expect(await emailOf(user.id)).toBe(user.email);

    await confirmEmailChange(context, { code: secondCode });
    expect(await emailOf(user.id)).toBe(second);
  });

  it("cancelling voids the pending code", async () => {
    const { user, context } = await newStepUpUser("change-cancel");
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    await cancelEmailChange(context);
    expect(await getPendingEmailChange(user.id)).toBeNull();
    expect(
      await db.auditEvent.findMany({
        where: { type: "email.change_cancelled", actorId: user.id },
        select: { outcome: true, targetType: true },
      }),
    ).toEqual([{ outcome: "SUCCESS", targetType: "email_change" }]);
    // Nothing left to cancel: nothing changes, nothing is recorded.
    await cancelEmailChange(context);
    expect(await db.auditEvent.count({ where: { type: "email.change_cancelled", actorId: user.id } })).toBe(1);
    await expectAppError(confirmEmailChange(context, { code: await newAddressCode(newEmail) }), "CODE_EXPIRED");
    expect(await emailOf(user.id)).toBe(user.email);
  });

  it("an address that got an account after the request is refused at confirmation", async () => {
    const { user, context } = await newStepUpUser("change-raced");
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    await db.user.create({ data: { email: newEmail, passwordHash: "x", emailVerifiedAt: new Date() } });

    await expectAppError(confirmEmailChange(context, { code: await newAddressCode(newEmail) }), "CODE_INVALID");
    expect(await emailOf(user.id)).toBe(user.email);
    expect(await auditCount("email.changed", user.id)).toBe(0);
  });

  it("with 2FA on, the step-up for an email change needs the second factor too", async () => {
    const { user, context } = await newStepUpUser("change-2fa");
    const { secret } = await enableTwoFactorFor(user);
    const newEmail = randomEmail("new");

    const challenge = await triggerChallenge(context, "email.change", { newEmail });
    expect(challenge.steps).toEqual(EMAIL_CODE_AND_SECOND_FACTOR);
    const code = await latestStepUpCode(user.email);
    await expectAppError(verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code) }), "SECOND_FACTOR_REQUIRED");
    await expectAppError(
      verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "totp", code: totpCode(secret, 10) }) }),
      "SECOND_FACTOR_INVALID",
    );
    await expectStepUpRequired(requestEmailChange(context, { newEmail }));
    expect(await db.emailChange.count({ where: { userId: user.id } })).toBe(0);

    await verifyStepUp(context, { challengeId: challenge.id, proofs: proofs(code, { method: "totp", code: totpCode(secret) }) });
    await requestEmailChange(context, { newEmail });
    expect(await confirmMessages(newEmail)).toHaveLength(1);
  });
});

describe("confirming the change", () => {
  it("tells the old address once (new address masked), and ends other sessions' challenges and sudo windows", async () => {
    const { user, context } = await newStepUpUser("confirm-effects");
    const pendingChallengeSession = await newContext(user, meta("198.51.100.30"));
    const sudoSession = await newContext(user, meta("198.51.100.31"));

    // Another session has a challenge emailed to the old address, not yet entered…
    const challenge = await triggerChallenge(pendingChallengeSession, "api_token.create", tokenRequest("pending"));
    const unusedCode = await latestStepUpCode(user.email);
    // …and a third has an open sudo window.
    await completeStepUp(sudoSession, "api_token.create", tokenRequest("before"));
    await createApiToken(sudoSession, tokenRequest("before"));

    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    const queuedBefore = await db.emailOutbox.count({ where: { to: user.email } });
    await confirmEmailChange(context, { code: await newAddressCode(newEmail) });
    expect(await emailOf(user.id)).toBe(newEmail);
    expect(await db.emailOutbox.count({ where: { to: user.email } })).toBe(queuedBefore + 1);

    await expectAppError(
      verifyStepUp(await refreshed(pendingChallengeSession), { challengeId: challenge.id, proofs: proofs(unusedCode) }),
      "CODE_INVALID",
    );
    expect(await db.stepUpGrant.count({ where: { sessionId: pendingChallengeSession.session.id } })).toBe(0);

    const afterChange = await refreshed(sudoSession);
    expect(afterChange.session.user.email).toBe(newEmail);
    const again = await expectStepUpRequired(createApiToken(afterChange, tokenRequest("after")));
    expect(again.maskedEmail).toBe(maskEmail(newEmail));
    expect(await stepUpEmails(newEmail)).toHaveLength(1);
    expect(await db.apiToken.count({ where: { userId: user.id } })).toBe(1);

    expect(await db.emailOutbox.count({ where: { to: user.email, subject: CHANGED_SUBJECT } })).toBe(1);
    expect(await db.emailOutbox.count({ where: { to: newEmail, subject: "Your email address was changed" } })).toBe(1);
    await deliverDueEmails();
    await deliverDueEmails();
    const notices = (await listMailboxMessages({ to: user.email, limit: 200 })).filter((message) => message.subject === CHANGED_SUBJECT);
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    if (!notice) throw new Error("no notice");
    expect(notice.text).toContain(maskEmail(newEmail));
    expect(notice.html).toContain(maskEmail(newEmail));
    for (const body of [notice.subject, notice.text, notice.html]) expect(body.toLowerCase()).not.toContain(newEmail.toLowerCase());
    expect(notice.text).toContain(`${getEnv().APP_URL}/email-change/report?token=`);
    expect((await listMailboxMessages({ to: newEmail })).map((message) => message.subject)).toContain("Your email address was changed");
  });

  it("parallel confirmations with the right code switch once, with one audit row and one notice", async () => {
    const { user, context } = await newStepUpUser("confirm-race");
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    const code = await newAddressCode(newEmail);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => confirmEmailChange(context, { code })));
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(await emailOf(user.id)).toBe(newEmail);
    expect(await auditCount("email.changed", user.id)).toBe(1);
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: CHANGED_SUBJECT } })).toBe(1);
  });

  it("the old address's 'This wasn't me' link signs out every session, once, and is audited", async () => {
    const { user, context } = await newStepUpUser("report");
    const other = await newSession(user);
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    await confirmEmailChange(context, { code: await newAddressCode(newEmail) });
    await deliverDueEmails();
    const [notice] = (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === CHANGED_SUBJECT);
    const token = reportTokenFrom(notice?.text ?? "");

    expect(await findReportableEmailChange("x".repeat(43))).toBeNull();
    expect(await reportEmailChange("not-a-token", meta())).toBeNull();
    const reportable = await findReportableEmailChange(token);
    expect(reportable).toMatchObject({ maskedNewEmail: maskEmail(newEmail) });
    expect(await resolveSession(context.session.id)).not.toBeNull();

    // Clicked many times at once: one report.
    const reports = await Promise.all(Array.from({ length: 8 }, () => reportEmailChange(token, meta("192.0.2.44"))));
    expect(reports.filter((report) => report !== null)).toEqual([reportable]);
    expect(await resolveSession(context.session.id)).toBeNull();
    expect(await resolveSession(other.id)).toBeNull();
    const rows = await db.auditEvent.findMany({ where: { type: "email.change_reported", targetId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "BLOCKED", actorEmail: user.email, ip: "192.0.2.44" });

    // Single use.
    expect(await findReportableEmailChange(token)).toBeNull();
    expect(await reportEmailChange(token, meta())).toBeNull();
    expect(await db.auditEvent.count({ where: { type: "email.change_reported", targetId: user.id } })).toBe(1);
  });

  it("the confirmation code and the report token are stored only hashed", async () => {
    const { user, context } = await newStepUpUser("change-secrets");
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    const code = await newAddressCode(newEmail);
    await confirmEmailChange(context, { code });
    await deliverDueEmails();
    const [notice] = (await listMailboxMessages({ to: user.email })).filter((message) => message.subject === CHANGED_SUBJECT);
    const token = reportTokenFrom(notice?.text ?? "");

    const dump = await dumpDatabase({ except: ["mailbox_messages"] });
    for (const [table, rows] of Object.entries(dump)) {
      expect(containsSecret(rows, code), `code in ${table}`).toBe(false);
      // The outbox forgets a notice's body once it is delivered (lib/email/outbox.ts).
      expect(rows.includes(token), `report token in ${table}`).toBe(false);
    }
    expect(dump.email_changes).toContain(newEmail);
  });
});

describe("the email change actions (as the security page drives them)", () => {
  let user: TestUser;
  let context: RequestContext;

  beforeEach(async () => {
    ({ user, context } = await newStepUpUser("change-actions"));
    request.state.session = context.session;
    request.state.headers = sameOriginHeaders(getEnv().APP_URL);
    request.state.deferred = [];
  });

  function challengeOf(result: ActionState): StepUpChallengeDto {
    expect(result).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED", status: "step_up_required" });
    if (!result.challenge) throw new Error("no challenge");
    return result.challenge;
  }

  /** Requests through the actions as the modal would: step-up, then the same request again with the emailed code. */
  async function requestThroughActions(
    as: { user: TestUser; context: RequestContext },
    newEmail: string,
  ): Promise<{ first: ActionState; second: ActionState }> {
    request.state.session = as.context.session;
    const first = await requestEmailChangeAction({ ok: false }, { newEmail });
    const stepUp = { challengeId: challengeOf(first).id, proofs: proofs(await latestStepUpCode(as.user.email)) };
    return { first, second: await requestEmailChangeAction({ ok: false }, { newEmail, stepUp }) };
  }

  /** The action result with everything that names the address, the requester or the moment taken out. */
  function shapeOf(result: ActionState, names: string[]): string {
    let text = JSON.stringify(result);
    for (const name of names) text = text.split(name).join("<name>");
    return text
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>");
  }

  it("a taken address gets the same answers as a free one, and nobody at the taken address hears of it", async () => {
    const owner = await newUser("owner");
    const free = randomEmail("free");
    const other = await newStepUpUser("change-actions");

    const freeRun = await requestThroughActions({ user, context }, free);
    const takenRun = await requestThroughActions(other, owner.email);
    expect(freeRun.second).toMatchObject({ ok: true, data: { newEmail: free } });

    const freeNames = [free, maskEmail(free), user.email, maskEmail(user.email)];
    const takenNames = [owner.email, maskEmail(owner.email), other.user.email, maskEmail(other.user.email)];
    expect(shapeOf(takenRun.first, takenNames)).toBe(shapeOf(freeRun.first, freeNames));
    expect(shapeOf(takenRun.second, takenNames)).toBe(shapeOf(freeRun.second, freeNames));
    const [freePending, takenPending] = [await getPendingEmailChange(user.id), await getPendingEmailChange(other.user.id)];
    expect(takenPending?.newEmail).toBe(owner.email);
    expect(Object.keys(takenPending ?? {})).toEqual(Object.keys(freePending ?? {}));

    expect(await confirmMessages(free)).toHaveLength(1);
    expect(await listMailboxMessages({ to: owner.email })).toHaveLength(0);
    expect(await db.emailOutbox.count({ where: { to: owner.email } })).toBe(0);
    await Promise.all(request.state.deferred.map((callback) => callback()));
    await deliverDueEmails();
    expect(await listMailboxMessages({ to: owner.email })).toHaveLength(0);

    expect(await db.auditEvent.findFirstOrThrow({ where: { type: "email.change_requested", actorId: other.user.id } })).toMatchObject({
      reason: "address_taken",
    });
    expect(await db.auditEvent.findFirstOrThrow({ where: { type: "email.change_requested", actorId: user.id } })).toMatchObject({
      reason: null,
    });
    const takenAudit = JSON.stringify(await db.auditEvent.findMany({ where: { actorId: other.user.id } }), (_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value,
    );
    expect(takenAudit).not.toContain(owner.email);
  });

  const badEmails: [string, unknown][] = [
    ["a comma", "a@example.test,b@example.test"],
    ["CRLF", "a@example.test\r\nBcc: b@example.test"],
    ["a quoted local part", '"a b"@example.test'],
    ["more than 254 characters", `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(60)}.test`],
    ["an array", ["a@example.test"]],
    ["an object", { newEmail: "a@example.test" }],
    ["nothing", ""],
  ];

  it.each(badEmails)("an address with %s is refused with a field error and nothing is sent", async (_label, newEmail) => {
    const before = await db.mailboxMessage.count();
    const result = await requestEmailChangeAction({ ok: false }, { newEmail });
    expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(result.fieldErrors?.newEmail?.length).toBeGreaterThan(0);
    expect(await db.mailboxMessage.count()).toBe(before);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.emailChange.count({ where: { userId: user.id } })).toBe(0);
  });

  it("the current address (in any case, with spaces) is refused with a field error and nothing is sent", async () => {
    const before = await db.mailboxMessage.count();
    const result = await requestEmailChangeAction({ ok: false }, { newEmail: `  ${user.email.toUpperCase()} ` });
    expect(result).toMatchObject({ ok: false, code: "EMAIL_UNCHANGED" });
    expect(result.fieldErrors?.newEmail?.length).toBeGreaterThan(0);
    expect(await db.mailboxMessage.count()).toBe(before);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
  });

  it("malformed confirmation codes are validation errors and spend no attempt", async () => {
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    const changeId = await latestChangeId(user.id);
    for (const code of ["12345", "1234567", "12a456", " 123456 ", "", "١٢٣٤٥٦", "１２３４５６", ["123456"], { code: "123456" }]) {
      const result = await confirmEmailChangeAction(initialActionState, { code });
      expect(result, JSON.stringify(code)).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
      expect(result.fieldErrors?.code?.length).toBeGreaterThan(0);
    }
    expect((await db.oneTimeCode.findUniqueOrThrow({ where: { id: changeId } })).attempts).toBe(0);

    const confirmed = await confirmEmailChangeAction(initialActionState, { code: await newAddressCode(newEmail) });
    expect(confirmed).toMatchObject({ ok: true });
    expect(confirmed.message).toContain(newEmail);
    expect(await emailOf(user.id)).toBe(newEmail);
  });

  it("cancelling through the action voids the code", async () => {
    const newEmail = randomEmail("new");
    await startEmailChange(context, newEmail);
    expect(await cancelEmailChangeAction(initialActionState, {})).toEqual({ ok: true });
    expect(await confirmEmailChangeAction(initialActionState, { code: await newAddressCode(newEmail) })).toMatchObject({
      ok: false,
      code: "CODE_EXPIRED",
    });
    expect(await emailOf(user.id)).toBe(user.email);
  });
});
