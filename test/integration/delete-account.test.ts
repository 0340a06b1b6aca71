import { afterAll, describe, expect, it } from "vitest";
import { issue } from "@/i18n/issues";
import { requestEmailChange } from "@/lib/account/change-email";
import { deleteAccount } from "@/lib/account/delete-account";
import { authenticateBearer } from "@/lib/api-tokens/authenticate";
import { createApiToken } from "@/lib/api-tokens/create";
import { hashPassword } from "@/lib/auth/password";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { requestSignUp, verifySignUp } from "@/lib/auth/sign-up";
import { db, disconnectDb } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverDueEmails } from "@/lib/email/outbox";
import type { RequestContext } from "@/lib/http/context";
import { requestPasswordReset } from "@/lib/password-reset/request";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { startTwoFactorEnrolment } from "@/lib/two-factor/enrolment";
import type { StepUpChallengeDto } from "@/shared/step-up";
import type { SecondFactorProof } from "@/shared/two-factor";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import {
  completeStepUp,
  containsSecret,
  dumpDatabase,
  EMAIL_CODE_AND_SECOND_FACTOR,
  EMAIL_CODE_ONLY,
  expectAppError,
  expectStepUpRequired,
  latestStepUpCode,
  newContext,
  resetSendLimit,
  stepUpEmails,
  tokenRequest,
  triggerChallenge,
  type TestUser,
} from "@/test/helpers/step-up";
import { awayFromStepEdge, enableTwoFactorFor, storedTwoFactorSecret, totpCode } from "@/test/helpers/two-factor";
import { codeFrom, proofs } from "@/tooling/app-client";

afterAll(async () => {
  await disconnectDb();
});

const NOTICE_SUBJECT = "Your account was deleted";
const NEW_PASSWORD = "harbour-quartz-meadow-58";

/** A user who can sign in with STRONG_PASSWORD, and one signed-in session. */
async function accountUser(label: string, role: "USER" | "ADMIN" = "USER"): Promise<{ user: TestUser; context: RequestContext }> {
  const user = await db.user.create({
    data: { email: randomEmail(label), passwordHash: await hashPassword(STRONG_PASSWORD), emailVerifiedAt: new Date(), role },
    select: { id: true, email: true },
  });
  return { user, context: await newContext(user) };
}

const confirm = (user: TestUser) => ({ confirmEmail: user.email });

/** Asks for the deletion and answers the challenge it starts the way the code modal does: the emailed code (and `secondFactor`) sent with the change. */
async function startDeletion(context: RequestContext): Promise<{ challenge: StepUpChallengeDto; code: string }> {
  await resetSendLimit(context.session.user.id);
  const challenge = await expectStepUpRequired(deleteAccount(context, { confirmEmail: context.session.user.email }));
  expect(challenge.action).toBe("account.delete");
  return { challenge, code: await latestStepUpCode(context.session.user.email) };
}

function withProofs(
  context: RequestContext,
  challenge: StepUpChallengeDto,
  code: string,
  secondFactor?: SecondFactorProof,
): RequestContext {
  return { ...context, proof: { challengeId: challenge.id, proofs: proofs(code, secondFactor) } };
}

async function deleteWithCode(context: RequestContext, secondFactor?: () => SecondFactorProof): Promise<void> {
  const { challenge, code } = await startDeletion(context);
  await deleteAccount(withProofs(context, challenge, code, secondFactor?.()), { confirmEmail: context.session.user.email });
}

type UserRow = {
  email: string;
  password_hash: string | null;
  role: string;
  two_factor_secret: string | null;
  two_factor_enabled_at: Date | null;
  totp_last_step: bigint | null;
  step_up_failures: number;
  deleted_at: Date | null;
};

async function userRow(userId: string): Promise<UserRow> {
  const rows = await db.$queryRaw<UserRow[]>`
    SELECT email, password_hash, role::text AS role, two_factor_secret, two_factor_enabled_at, totp_last_step, step_up_failures, deleted_at
    FROM users WHERE id = ${userId}::uuid`;
  const row = rows[0];
  if (!row) throw new Error("user row is gone");
  return row;
}

async function expectUntouched(user: TestUser, context: RequestContext): Promise<void> {
  const row = await userRow(user.id);
  expect(row).toMatchObject({ email: user.email, deleted_at: null });
  expect(row.password_hash).not.toBeNull();
  expect(await resolveSession(context.session.id)).not.toBeNull();
  expect(await db.auditEvent.count({ where: { type: "account.deleted", actorId: user.id } })).toBe(0);
  expect(await db.emailOutbox.count({ where: { to: user.email, subject: NOTICE_SUBJECT } })).toBe(0);
}

async function expectDeleted(user: TestUser): Promise<void> {
  expect(await userRow(user.id)).toMatchObject({ email: `deleted-${user.id}@deleted.invalid`, password_hash: null, role: "USER" });
  expect((await userRow(user.id)).deleted_at).not.toBeNull();
}

/** Every session of the account ended (the rows gone), its row anonymised, and neither address signs in. */
async function expectAccountGone(user: TestUser, contexts: RequestContext[]): Promise<void> {
  await expectDeleted(user);
  for (const { session } of contexts) expect(await resolveSession(session.id)).toBeNull();
  expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  for (const email of [user.email, `deleted-${user.id}@deleted.invalid`]) {
    expect(await signInWithPassword({ email, password: STRONG_PASSWORD }, meta("198.51.100.40"))).toMatchObject({
      ok: false,
      code: "INVALID_CREDENTIALS",
    });
  }
}

/** How many rows of each table still belong to the account (by id, or by its old address). */
async function leftovers(userId: string, emails: string[]): Promise<Record<string, number>> {
  const count = async (rows: Promise<{ count: bigint }[]>) => Number((await rows)[0]?.count ?? 0);
  return {
    sessions: await count(db.$queryRaw`SELECT count(*) FROM sessions WHERE user_id = ${userId}::uuid`),
    api_tokens: await count(db.$queryRaw`SELECT count(*) FROM api_tokens WHERE user_id = ${userId}::uuid`),
    recovery_codes: await count(db.$queryRaw`SELECT count(*) FROM recovery_codes WHERE user_id = ${userId}::uuid`),
    two_factor_enrolments: await count(db.$queryRaw`SELECT count(*) FROM two_factor_enrolments WHERE user_id = ${userId}::uuid`),
    email_changes: await count(db.$queryRaw`SELECT count(*) FROM email_changes WHERE user_id = ${userId}::uuid`),
    password_resets: await count(
      db.$queryRaw`SELECT count(*) FROM password_resets WHERE user_id = ${userId}::uuid OR email = ANY(${emails}::text[])`,
    ),
    sign_in_challenges: await count(db.$queryRaw`SELECT count(*) FROM sign_in_challenges WHERE user_id = ${userId}::uuid`),
    step_up_challenges: await count(db.$queryRaw`SELECT count(*) FROM step_up_challenges WHERE user_id = ${userId}::uuid`),
    step_up_grants: await count(db.$queryRaw`SELECT count(*) FROM step_up_grants WHERE user_id = ${userId}::uuid`),
    sign_up_requests: await count(db.$queryRaw`SELECT count(*) FROM sign_up_requests WHERE email = ANY(${emails}::text[])`),
    one_time_codes: await count(db.$queryRaw`SELECT count(*) FROM one_time_codes WHERE recipient = ANY(${emails}::text[])`),
  };
}

const NOTHING_LEFT = {
  sessions: 0,
  api_tokens: 0,
  recovery_codes: 0,
  two_factor_enrolments: 0,
  email_changes: 0,
  password_resets: 0,
  sign_in_challenges: 0,
  step_up_challenges: 0,
  step_up_grants: 0,
  sign_up_requests: 0,
  one_time_codes: 0,
};

/** Only these tables may still name the account: the audit trail, queued and delivered mail, and rate-limit windows (abuse limits outlive the account on purpose). */
const MAY_NAME_THE_ACCOUNT = ["users", "audit_events", "email_outbox", "mailbox_messages", "rate_limits"];

async function activeAdmins(): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM users WHERE role = 'ADMIN' AND deleted_at IS NULL AND disabled_at IS NULL ORDER BY id`;
  return rows.map((row) => row.id);
}

/** The admins of the test: nobody else in this file's database is one. */
async function onlyAdmins(count: number): Promise<{ user: TestUser; context: RequestContext }[]> {
  await db.user.updateMany({ where: { role: "ADMIN" }, data: { role: "USER" } });
  return Promise.all(Array.from({ length: count }, (_, i) => accountUser(`delete-admin-${i}`, "ADMIN")));
}

describe("asking to delete the account", () => {
  it("without step-up changes nothing and sends a code naming the deletion", async () => {
    const { user, context } = await accountUser("delete-no-proof");
    const challenge = await expectStepUpRequired(deleteAccount(context, confirm(user)));
    expect(challenge).toMatchObject({ action: "account.delete", description: "delete your account", steps: EMAIL_CODE_ONLY });
    const emails = await stepUpEmails(user.email);
    expect(emails.map((email) => email.subject)).toEqual(["Your code to delete your account"]);
    await expectUntouched(user, context);
  });

  it("a typed address that is not the account's changes nothing, sends nothing, and is recorded", async () => {
    const { user, context } = await accountUser("delete-mismatch");
    const error = await expectAppError(deleteAccount(context, { confirmEmail: randomEmail("someone-else") }), "VALIDATION_FAILED");
    expect(error.details.fieldErrors?.confirmEmail).toEqual([issue("deleteConfirmMismatch")]);
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.rateLimit.count({ where: { key: { contains: user.id } } })).toBe(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { type: "account.delete_failed", actorId: user.id } })).toMatchObject({
      outcome: "FAILURE",
      reason: "email_mismatch",
      targetId: user.id,
    });
    await expectUntouched(user, context);
  });

  it("the address is compared whatever its case and surrounding spaces", async () => {
    const { user, context } = await accountUser("delete-case");
    await expectStepUpRequired(deleteAccount(context, { confirmEmail: `  ${user.email.toUpperCase()} ` }));
  });

  it("during a recovery hold is refused with RECOVERY_HOLD before any code is sent", async () => {
    const { user, context } = await accountUser("delete-hold");
    await db.$executeRaw`UPDATE users SET recovery_hold_until = now() + interval '1 day', recovery_hold_reason = 'password_reset' WHERE id = ${user.id}::uuid`;
    const error = await expectAppError(deleteAccount(context, confirm(user)), "RECOVERY_HOLD");
    expect(error.details.until).toBeDefined();
    expect(await stepUpEmails(user.email)).toHaveLength(0);
    expect(await db.stepUpChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(
      await db.auditEvent.count({ where: { type: "account.recovery_hold_blocked", actorId: user.id, reason: "account.delete" } }),
    ).toBe(1);
    await expectUntouched(user, context);
  });

  it("a wrong code changes nothing", async () => {
    const { user, context } = await accountUser("delete-wrong-code");
    const { challenge, code } = await startDeletion(context);
    const wrong = code === "000000" ? "000001" : "000000";
    await expectAppError(deleteAccount(withProofs(context, challenge, wrong), confirm(user)), "CODE_INVALID");
    await expectUntouched(user, context);
  });
});

describe("deleting with the proofs", () => {
  it("removes every secret and pending thing of the account, keeps its audit trail, and queues one final notice", async () => {
    const { user, context } = await accountUser("delete-sweep");
    const other = await newContext(user, meta("198.51.100.20"));
    const newEmail = randomEmail("delete-sweep-new");

    // What an account in use accumulates: a token, a pending email change, a started set-up, a
    // reset requested, a sign-up attempt for the address, and another browser's pending challenge.
    await completeStepUp(context, "api_token.create", tokenRequest("deploy"));
    const { token } = await createApiToken(context, tokenRequest("deploy"));
    await completeStepUp(context, "email.change", { newEmail });
    await requestEmailChange(context, { newEmail });
    await completeStepUp(context, "two_factor.enable", {});
    await startTwoFactorEnrolment(context);
    await triggerChallenge(other, "session.revoke_others", {});
    await requestPasswordReset(user.email, meta());
    await requestSignUp({ email: user.email, password: "another-long-passphrase" }, meta());
    const { secret } = await enableTwoFactorFor(user);
    // Password right, second factor pending: a sign-in challenge row.
    expect(await signInWithPassword({ email: user.email, password: STRONG_PASSWORD }, meta("198.51.100.21"))).toMatchObject({
      code: "SECOND_FACTOR_REQUIRED",
    });

    const before = await userRow(user.id);
    const sealedSecret = await storedTwoFactorSecret(user.id);
    const recoveryHashes = (
      await db.$queryRaw<{ code_hash: string }[]>`SELECT code_hash FROM recovery_codes WHERE user_id = ${user.id}::uuid`
    ).map((row) => row.code_hash);
    const tokenHashes = (
      await db.$queryRaw<{ token_hash: string }[]>`SELECT token_hash FROM api_tokens WHERE user_id = ${user.id}::uuid`
    ).map((row) => row.token_hash);
    expect(recoveryHashes).toHaveLength(10);
    expect(tokenHashes).toHaveLength(1);
    expect(Object.values(await leftovers(user.id, [user.email, newEmail])).every((count) => count > 0)).toBe(true);
    const auditBefore = await db.auditEvent.findMany({ where: { actorId: user.id }, orderBy: { id: "asc" } });
    expect(auditBefore.length).toBeGreaterThan(5);

    await awayFromStepEdge();
    await deleteWithCode(context, () => ({ method: "totp", code: totpCode(secret) }));

    await expectAccountGone(user, [context, other]);
    expect(await leftovers(user.id, [user.email, newEmail])).toEqual(NOTHING_LEFT);
    expect(await userRow(user.id)).toMatchObject({
      two_factor_secret: null,
      two_factor_enabled_at: null,
      totp_last_step: null,
      step_up_failures: 0,
    });
    expect(await authenticateBearer(`Bearer ${token}`, "profile:read", null)).toMatchObject({ ok: false, status: 401 });

    // A sweep of every table: nothing left but the anonymised row and what may name the account.
    const dump = await dumpDatabase();
    const secrets = [before.password_hash ?? "", sealedSecret ?? "", ...recoveryHashes, ...tokenHashes];
    for (const [table, rows] of Object.entries(dump)) {
      for (const value of secrets) expect(containsSecret(rows, value), `${table} holds a secret of the account`).toBe(false);
      if (MAY_NAME_THE_ACCOUNT.includes(table)) continue;
      for (const value of [user.id, user.email, newEmail])
        expect(rows.includes(value), `${table} names the account (${value})`).toBe(false);
    }

    // The audit trail is whole: every earlier row is still there with the account's id, and the deletion is recorded.
    const auditAfter = await db.auditEvent.findMany({ where: { actorId: user.id }, orderBy: { id: "asc" } });
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(await db.auditEvent.findFirstOrThrow({ where: { type: "account.deleted", actorId: user.id } })).toMatchObject({
      outcome: "SUCCESS",
      actorEmail: user.email,
      targetType: "user",
      targetId: user.id,
    });

    // One final notice, to the old address.
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: NOTICE_SUBJECT } })).toBe(1);
    await deliverDueEmails();
    const notice = (await listMailboxMessages({ to: user.email })).find((message) => message.subject === NOTICE_SUBJECT);
    expect(notice?.text).toContain("If this wasn't you, contact your administrator");
    // The account is gone: no "review your security settings" link to a page nobody can sign in to.
    expect(notice?.text).not.toContain("/settings/security");
  });

  it("frees the address: a new sign-up for it completes, as a new account that inherits nothing", async () => {
    const { user, context } = await accountUser("delete-reuse");
    await deleteWithCode(context);
    await expectDeleted(user);

    const pending = await requestSignUp({ email: user.email, password: NEW_PASSWORD }, meta());
    const [message] = await listMailboxMessages({ to: user.email });
    expect(message?.subject).not.toBe(NOTICE_SUBJECT);
    await verifySignUp({ requestId: pending.requestId, code: codeFrom(message?.text ?? "") }, meta());

    const reborn = await db.user.findUniqueOrThrow({ where: { email: user.email }, select: { id: true, deletedAt: true } });
    expect(reborn).toMatchObject({ deletedAt: null });
    expect(reborn.id).not.toBe(user.id);
    expect(await signInWithPassword({ email: user.email, password: STRONG_PASSWORD }, meta("198.51.100.30"))).toMatchObject({
      ok: false,
      code: "INVALID_CREDENTIALS",
    });
    expect(await signInWithPassword({ email: user.email, password: NEW_PASSWORD }, meta("198.51.100.30"))).toMatchObject({ ok: true });
    // The old account's events stay with the old id.
    expect(await db.auditEvent.count({ where: { type: "account.deleted", actorId: user.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { type: "account.deleted", actorId: reborn.id } })).toBe(0);
  });

  it("with 2FA on, the emailed code alone is refused; with the authenticator code too it deletes", async () => {
    const { user, context } = await accountUser("delete-2fa");
    const { secret } = await enableTwoFactorFor(user);
    const { challenge, code } = await startDeletion(context);
    expect(challenge.steps).toEqual(EMAIL_CODE_AND_SECOND_FACTOR);

    await expectAppError(deleteAccount(withProofs(context, challenge, code), confirm(user)), "SECOND_FACTOR_REQUIRED");
    await expectUntouched(user, context);
    expect(await storedTwoFactorSecret(user.id)).not.toBeNull();

    await awayFromStepEdge();
    await deleteAccount(withProofs(context, challenge, code, { method: "totp", code: totpCode(secret) }), confirm(user));
    await expectAccountGone(user, [context]);
  });

  it("a recovery code is the second proof as well", async () => {
    const { user, context } = await accountUser("delete-2fa-recovery");
    const { recoveryCodes } = await enableTwoFactorFor(user);
    await deleteWithCode(context, () => ({ method: "recovery_code", code: recoveryCodes[0] ?? "" }));
    await expectAccountGone(user, [context]);
  });
});

describe("the last active admin", () => {
  it("cannot delete their account: refused before any code is sent, and recorded", async () => {
    const [admin] = await onlyAdmins(1);
    if (!admin) throw new Error("no admin");
    await expectAppError(deleteAccount(admin.context, confirm(admin.user)), "LAST_ADMIN");
    expect(await stepUpEmails(admin.user.email)).toHaveLength(0);
    expect(await db.auditEvent.findFirstOrThrow({ where: { type: "account.delete_failed", actorId: admin.user.id } })).toMatchObject({
      outcome: "BLOCKED",
      reason: "last_admin",
    });
    await expectUntouched(admin.user, admin.context);
    expect(await activeAdmins()).toEqual([admin.user.id]);
  });

  it("is checked again in the deletion's transaction: the other admin disabled after the code was sent still stops it, and the proofs stay usable", async () => {
    const [admin, colleague] = await onlyAdmins(2);
    if (!admin || !colleague) throw new Error("no admins");
    const { challenge, code } = await startDeletion(admin.context);
    await db.user.update({ where: { id: colleague.user.id }, data: { disabledAt: new Date() } });

    await expectAppError(deleteAccount(withProofs(admin.context, challenge, code), confirm(admin.user)), "LAST_ADMIN");
    await expectUntouched(admin.user, admin.context);
    expect(await db.auditEvent.count({ where: { type: "account.delete_failed", actorId: admin.user.id, reason: "last_admin" } })).toBe(1);

    // Nothing of the refused attempt was kept: once there is another admin, the same code deletes.
    await db.user.update({ where: { id: colleague.user.id }, data: { disabledAt: null } });
    await deleteAccount(withProofs(admin.context, challenge, code), confirm(admin.user));
    await expectDeleted(admin.user);
    expect(await activeAdmins()).toEqual([colleague.user.id]);
  });

  it("two admins each deleting themselves at the same time cannot both succeed", async () => {
    const admins = await onlyAdmins(2);
    const ready = [];
    for (const admin of admins) ready.push({ admin, ...(await startDeletion(admin.context)) });

    const results = await Promise.allSettled(
      ready.map(({ admin, challenge, code }) => deleteAccount(withProofs(admin.context, challenge, code), confirm(admin.user))),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((result) => result.status === "rejected");
    expect(refused?.status === "rejected" && refused.reason).toMatchObject({ code: "LAST_ADMIN" });
    expect(await activeAdmins()).toHaveLength(1);
  });
});
