import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/create";
import { requestSignUp, verifySignUp } from "@/lib/auth/sign-up";
import { db, disconnectDb } from "@/lib/db";
import { queueSecurityNotice } from "@/lib/email/account-notice";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverAllDueEmails, enqueueEmail } from "@/lib/email/outbox";
import { requestPasswordReset } from "@/lib/password-reset/request";
import { meta, randomEmail, STRONG_PASSWORD } from "@/test/helpers/fixtures";
import { request } from "@/test/helpers/next-request";
import { completeStepUp, newContext, newUser, tokenRequest, type TestUser } from "@/test/helpers/step-up";
import { codeFrom } from "@/tooling/app-client";

// An email is in its recipient's language: the account's saved one (English when none), fixed
// when it is queued, so the job that delivers it later writes it in that language.

afterAll(disconnectDb);

beforeEach(() => {
  request.state = { session: null, headers: new Headers(), deferred: [] };
});

async function germanUser(label: string): Promise<TestUser> {
  const user = await newUser(label);
  await db.user.update({ where: { id: user.id }, data: { locale: "de" } });
  return user;
}

const outbox = (to: string) =>
  db.emailOutbox.findMany({ where: { to }, orderBy: { createdAt: "asc" }, select: { subject: true, locale: true } });
const NOTICE = { notice: "twoFactorOn" } as const;

describe("the outbox", () => {
  it("writes each row in its recipient's language, read in the insert itself: by address, by account id, or as given", async () => {
    const german = await germanUser("de-notice");
    const english = await newUser("en-notice");
    const nobody = randomEmail("no-account");
    await db.$transaction(async (tx) => {
      await queueSecurityNotice(tx, german.email, meta(), NOTICE);
      await queueSecurityNotice(tx, "moved@example.test", meta(), NOTICE, { userId: german.id });
      await queueSecurityNotice(tx, english.email, meta(), NOTICE);
      await queueSecurityNotice(tx, nobody, meta(), NOTICE);
      await queueSecurityNotice(tx, english.email, meta(), NOTICE, { locale: "de" });
      await enqueueEmail(tx, german.email, {
        template: "emailChanged",
        data: { maskedNewEmail: "ne•••@example.test", reportToken: "t", meta: meta() },
      });
    });
    expect(await outbox(german.email)).toEqual([
      { subject: "Die Zwei-Schritt-Verifizierung ist aktiviert", locale: "de" },
      { subject: "Die E-Mail-Adresse Ihres Kontos wurde geändert", locale: "de" },
    ]);
    expect(await outbox("moved@example.test")).toEqual([{ subject: "Die Zwei-Schritt-Verifizierung ist aktiviert", locale: "de" }]);
    expect(await outbox(english.email)).toEqual([
      { subject: "Two-step verification is on", locale: "en" },
      { subject: "Die Zwei-Schritt-Verifizierung ist aktiviert", locale: "de" },
    ]);
    expect(await outbox(nobody)).toEqual([{ subject: "Two-step verification is on", locale: "en" }]);
  });

  it("delivers a row in the language it was queued in, even when the account's choice changed since", async () => {
    const user = await germanUser("de-delivery");
    await db.$transaction((tx) => queueSecurityNotice(tx, user.email, meta(), { notice: "passkeyRenamed", values: { name: "Laptop" } }));
    await db.user.update({ where: { id: user.id }, data: { locale: "en" } });
    await deliverAllDueEmails();
    const [message] = await listMailboxMessages({ to: user.email });
    expect(message?.subject).toBe("Ein Passkey wurde umbenannt");
    expect(message?.text).toContain("Einer Ihrer Passkeys heißt jetzt „Laptop“.");
    expect(message?.text).toMatch(/Wann: \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} UTC/);
    expect(message?.html).toContain('lang="de"');
    expect(message?.html).not.toContain("⟦");
  });
});

describe("emails sent at once", () => {
  it("a German account's step-up code and its notice are in German", async () => {
    const user = await germanUser("de-step-up");
    const context = await newContext(user);
    expect(context.session.locale).toBe("de");
    const readCode = async (email: string) => {
      const [message] = await listMailboxMessages({ to: email });
      expect(message?.subject).toBe("Ihr Code, um das API-Token „ci-deploy“ zu erstellen");
      expect(message?.html).toContain('lang="de"');
      return codeFrom(message?.text ?? "");
    };
    await completeStepUp(context, "api_token.create", tokenRequest(), readCode);
    await createApiToken(context, tokenRequest());
    expect(await outbox(user.email)).toEqual([{ subject: "Ein neues API-Token wurde erstellt", locale: "de" }]);
  });

  it("a sign-up's code is in the language it was asked in, and the account keeps that language", async () => {
    request.state.headers = new Headers({ "accept-language": "de-AT,de;q=0.9,en;q=0.5" });
    const email = randomEmail("de-sign-up");
    const pending = await requestSignUp({ email, password: STRONG_PASSWORD }, meta());
    const [code] = await listMailboxMessages({ to: email });
    expect(code?.subject).toBe("Bestätigen Sie Ihre E-Mail-Adresse für Account Security");
    await verifySignUp({ requestId: pending.requestId, code: codeFrom(code?.text ?? "") }, meta());
    expect((await db.user.findUniqueOrThrow({ where: { email }, select: { locale: true } })).locale).toBe("de");

    // Someone else signing up with the address, from an English browser: the owner is told in German.
    request.state.headers = new Headers({ "accept-language": "en" });
    await requestSignUp({ email, password: "another-long-passphrase" }, meta("198.51.100.9"));
    const [attempt] = await listMailboxMessages({ to: email });
    expect(attempt?.subject).toBe("Registrierungsversuch mit Ihrer E-Mail-Adresse für Account Security");
  });

  it("a password reset is in the account's language, or the asker's when no account has the address", async () => {
    const user = await germanUser("de-reset");
    request.state.headers = new Headers({ "accept-language": "en" });
    await requestPasswordReset(user.email, meta());
    expect((await listMailboxMessages({ to: user.email }))[0]?.subject).toBe("Setzen Sie Ihr Passwort für Account Security zurück");

    const nobody = randomEmail("de-reset-nobody");
    request.state.headers = new Headers({ "accept-language": "de" });
    await requestPasswordReset(nobody, meta());
    expect((await listMailboxMessages({ to: nobody }))[0]?.text).toContain("aber kein Konto verwendet sie");
  });
});
