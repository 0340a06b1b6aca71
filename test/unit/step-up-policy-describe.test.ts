import { describe, expect, it } from "vitest";
import { translatorFor } from "@/i18n/translator";
import { challengeDetails, describeChallenge, storedDescription, storedDetails } from "@/lib/step-up/describe";
import { STEP_UP_POLICY, type StepUpAction, type StepUpPayloads } from "@/lib/step-up/policy";
import { maskEmail } from "@/shared/format";

const en = translatorFor("en", "stepUpActions");
const de = translatorFor("de", "stepUpActions");

const account = { userId: "00000000-0000-4000-8000-000000000001", email: "robin@example.com" };
const stream = { destinationId: "00000000-0000-4000-8000-000000000002", name: "siem" };
const who = maskEmail(account.email);

/** One payload per action, with what it confirms in English (exactly the words from before phrases). */
const CASES: { [A in StepUpAction]: { payload: StepUpPayloads[A]; english: string } } = {
  "api_token.create": {
    payload: { name: "ci-deploy", scopes: ["profile:read", "tokens:read"], expiry: "30", expiresOn: "" },
    english: 'create API token "ci-deploy"',
  },
  "api_token.revoke": { payload: { tokenId: "t", name: "seed-0" }, english: 'revoke API token "seed-0"' },
  "session.revoke": { payload: { sessionId: "s", device: "Chrome on Linux" }, english: "sign out the session on Chrome on Linux" },
  "session.revoke_others": { payload: {}, english: "sign out all your other sessions" },
  "two_factor.enable": { payload: {}, english: "turn on two-step verification" },
  "two_factor.disable": { payload: {}, english: "turn off two-step verification" },
  "recovery_codes.regenerate": { payload: {}, english: "create new recovery codes" },
  "email.change": { payload: { newEmail: "new@example.com" }, english: `change your email address to ${maskEmail("new@example.com")}` },
  "password.change": { payload: { newPasswordDigest: "d", signOutOtherSessions: true }, english: "change your password" },
  "account.delete": { payload: {}, english: "delete your account" },
  "passkey.add": { payload: { credentialId: "c", name: "iCloud Keychain" }, english: 'add the passkey "iCloud Keychain"' },
  "passkey.remove": { payload: { passkeyId: "p", name: "Work laptop" }, english: 'remove the passkey "Work laptop"' },
  "admin.api_token.revoke": {
    payload: { tokenId: "t", name: "owner-deploy", owner: account.email },
    english: `revoke ${who}'s API token "owner-deploy"`,
  },
  "admin.tokens.revoke_selected": { payload: { tokenIds: ["a", "b", "c"] }, english: "revoke 3 API tokens" },
  "admin.user.sign_out": { payload: account, english: `sign out ${who} everywhere` },
  "admin.user.revoke_tokens": { payload: account, english: `revoke all of ${who}'s API tokens` },
  "admin.user.clear_locks": { payload: account, english: `clear ${who}'s sign-in and step-up locks` },
  "admin.user.reset_two_factor": { payload: { ...account, reason: "lost phone" }, english: `reset ${who}'s two-step verification` },
  "admin.user.disable": { payload: { ...account, reason: "left" }, english: `disable ${who}'s account` },
  "admin.user.enable": { payload: account, english: `re-enable ${who}'s account` },
  "admin.user.change_email": {
    payload: { ...account, newEmail: "robin@example.org", reason: "typo" },
    english: `change ${who}'s email address`,
  },
  "admin.stream.add": {
    payload: { name: "siem", url: "https://siem.example.com/ingest", batchSize: 100, start: "all" },
    english: 'add the audit stream destination "siem"',
  },
  "admin.stream.update": {
    payload: { ...stream, url: "https://siem.example.com/ingest", batchSize: 50 },
    english: 'change the audit stream destination "siem"',
  },
  "admin.stream.pause": { payload: stream, english: 'pause the audit stream destination "siem"' },
  "admin.stream.resume": { payload: stream, english: 'resume the audit stream destination "siem"' },
  "admin.stream.delete": { payload: stream, english: 'delete the audit stream destination "siem"' },
};

function stored<A extends StepUpAction>(action: A, payload: StepUpPayloads[A]) {
  const policy = STEP_UP_POLICY[action];
  return { description: storedDescription(policy.describe(payload)), details: storedDetails(policy.details(payload)) };
}

describe("what a step-up challenge confirms", () => {
  it.each(Object.keys(CASES) as StepUpAction[])("%s: stored as a phrase, read in English as before and in German", (action) => {
    const { payload, english } = CASES[action] as { payload: StepUpPayloads[typeof action]; english: string };
    const { description, details } = stored(action, payload);
    expect(description.startsWith("{")).toBe(true);
    expect(describeChallenge(en, description)).toBe(english);
    const german = describeChallenge(de, description);
    expect(german).not.toBe(english);
    // A zu-infinitive, for "Um … zu" and "Anfrage, … zu".
    expect(german).toMatch(/(zu \S+|zu[a-zäöü]+en|zu[a-zäöü]+n)$/);
    expect(german).not.toContain("⟦");
    for (const [label, value] of [...challengeDetails(en, details), ...challengeDetails(de, details)]) {
      expect(label).not.toContain("⟦");
      expect(value).not.toContain("⟦");
    }
  });

  it("renders the details' labels and words in the reader's language", () => {
    const { details } = stored("api_token.create", CASES["api_token.create"].payload);
    expect(challengeDetails(en, details)).toEqual([
      ["Token", "ci-deploy"],
      ["Scopes", "profile:read, tokens:read"],
      ["Expires", "in 30 days"],
    ]);
    expect(challengeDetails(de, details)).toEqual([
      ["Token", "ci-deploy"],
      ["Berechtigungen", "profile:read, tokens:read"],
      ["Läuft ab", "in 30 Tagen"],
    ]);
    const password = stored("password.change", { newPasswordDigest: "d", signOutOtherSessions: false }).details;
    expect(challengeDetails(en, password)).toEqual([["Other sessions", "Stay signed in"]]);
    expect(challengeDetails(de, password)).toEqual([["Andere Sitzungen", "Bleiben angemeldet"]]);
    expect(challengeDetails(de, stored("admin.tokens.revoke_selected", { tokenIds: ["a"] }).details)).toEqual([["API-Tokens", "1"]]);
  });

  it("counts API tokens with a plural", () => {
    const one = stored("admin.tokens.revoke_selected", { tokenIds: ["a"] }).description;
    expect(describeChallenge(en, one)).toBe("revoke 1 API token");
    expect(describeChallenge(de, one)).toBe("1 API-Token zu widerrufen");
  });

  it("writes German as a zu-infinitive clause with German quotes", () => {
    expect(describeChallenge(de, stored("api_token.create", CASES["api_token.create"].payload).description)).toBe(
      "das API-Token „ci-deploy“ zu erstellen",
    );
  });

  it("reads rows written before phrases as they are", () => {
    expect(describeChallenge(de, 'create API token "ci-deploy"')).toBe('create API token "ci-deploy"');
    expect(challengeDetails(de, { Token: "ci-deploy", Expires: "in 30 days" })).toEqual([
      ["Token", "ci-deploy"],
      ["Expires", "in 30 days"],
    ]);
  });

  it("keeps a name that looks like a stored phrase as the name", () => {
    const name = '{"key":"values.inDays","values":{"days":1}}';
    const { description, details } = stored("api_token.revoke", { tokenId: "t", name });
    expect(describeChallenge(en, description)).toBe(`revoke API token "${name}"`);
    expect(challengeDetails(en, details)).toEqual([["Token", name]]);
  });

  it("reads an unknown phrase as a security change, never as its key", () => {
    expect(describeChallenge(en, '{"key":"phrases.retired"}')).toBe("make a security change");
    expect(describeChallenge(de, '{"key":"nonsense"}')).toBe("eine Sicherheitsänderung vorzunehmen");
  });
});
