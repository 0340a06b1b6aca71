import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "@/tooling/software-authenticator";

// The authenticator's output goes through @simplewebauthn/server as a relying party would check it.
const ORIGIN = "http://localhost:3000";
const RP_ID = "localhost";
const USER_ID = new TextEncoder().encode("user-0001");

async function registrationOptions(excludeCredentials: { id: string }[] = []) {
  return generateRegistrationOptions({
    rpName: "Account Security",
    rpID: RP_ID,
    userName: "user@example.com",
    userID: USER_ID,
    attestationType: "none",
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    excludeCredentials,
  });
}

/** A registered credential, as the relying party would store it. */
async function registered(authenticator: SoftwareAuthenticator, settings: { backupEligible?: boolean; backedUp?: boolean } = {}) {
  const options = await registrationOptions();
  const response = authenticator.register(options, { origin: ORIGIN, ...settings });
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
  });
  if (!result.verified) throw new Error("registration did not verify");
  return { ...result.registrationInfo, credential: { ...result.registrationInfo.credential } as WebAuthnCredential };
}

async function verifyAssertion(
  credential: WebAuthnCredential,
  produce: (
    options: Awaited<ReturnType<typeof generateAuthenticationOptions>>,
  ) => Parameters<typeof verifyAuthenticationResponse>[0]["response"],
  { allow = true, origin = ORIGIN } = {},
) {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID,
    userVerification: "required",
    allowCredentials: allow ? [{ id: credential.id }] : [],
  });
  return verifyAuthenticationResponse({
    response: produce(options),
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

describe("software authenticator", () => {
  it("registers a credential that @simplewebauthn/server verifies, none attestation, ES256", async () => {
    const authenticator = new SoftwareAuthenticator();
    const options = await registrationOptions();
    const response = authenticator.register(options, { origin: ORIGIN, aaguid: "01234567-89ab-cdef-0123-456789abcdef" });

    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: options.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: true,
    });

    expect(result.verified).toBe(true);
    expect(result.registrationInfo).toMatchObject({
      fmt: "none",
      aaguid: "01234567-89ab-cdef-0123-456789abcdef",
      userVerified: true,
      credentialDeviceType: "singleDevice",
      credentialBackedUp: false,
      origin: ORIGIN,
      rpID: RP_ID,
      credential: { id: response.id, counter: 0, transports: ["internal"] },
    });
    expect(JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString())).toEqual({
      type: "webauthn.create",
      challenge: options.challenge,
      origin: ORIGIN,
      crossOrigin: false,
    });
    expect(response.response.publicKeyAlgorithm).toBe(-7);
    expect(authenticator.credential(response.id).userHandle).toBe(options.user.id);
  });

  it("reports backup eligibility and state as asked (a synced passkey)", async () => {
    const info = await registered(new SoftwareAuthenticator(), { backupEligible: true, backedUp: true });
    expect(info).toMatchObject({ credentialDeviceType: "multiDevice", credentialBackedUp: true });
  });

  it("refuses to register again when excludeCredentials lists a credential it holds, like a browser's InvalidStateError", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    const options = await registrationOptions([{ id: credential.id }]);
    expect(() => authenticator.register(options, { origin: ORIGIN })).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    expect(authenticator.credentials).toHaveLength(1);
    // Another device registers fine.
    expect(() => new SoftwareAuthenticator().register(options, { origin: ORIGIN })).not.toThrow();
  });

  it("produces an assertion that verifies, with the user handle and an incremented counter", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    let userHandle: string | undefined;
    const result = await verifyAssertion(credential, (options) => {
      const response = authenticator.authenticate(options, { origin: ORIGIN });
      userHandle = response.response.userHandle;
      expect(JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url").toString())).toEqual({
        type: "webauthn.get",
        challenge: options.challenge,
        origin: ORIGIN,
        crossOrigin: false,
      });
      return response;
    });

    expect(result.verified).toBe(true);
    expect(result.authenticationInfo).toMatchObject({ credentialID: credential.id, newCounter: 1, userVerified: true, rpID: RP_ID });
    expect(userHandle).toBe(Buffer.from(USER_ID).toString("base64url"));
  });

  it("answers a discoverable request (empty allowCredentials) with its one credential for the RP ID", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    const result = await verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN }), {
      allow: false,
    });
    expect(result.verified).toBe(true);
    // A device with no credential for the RP cannot answer at all.
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    expect(() => new SoftwareAuthenticator().authenticate(options, { origin: ORIGIN })).toThrow(
      expect.objectContaining({ name: "NotAllowedError" }),
    );
  });

  it("fails requireUserVerification when the user was not verified", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    await expect(
      verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN, userVerified: false })),
    ).rejects.toThrow(/User verification (was )?required/);

    const options = await registrationOptions();
    const response = new SoftwareAuthenticator().register(options, { origin: ORIGIN, userVerified: false });
    await expect(
      verifyRegistrationResponse({ response, expectedChallenge: options.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID }),
    ).rejects.toThrow(/User verification (was )?required/);
  });

  it("fails for another origin, another RP ID, another challenge or a corrupted signature", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);

    await expect(
      verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: "http://localhost:3001" })),
    ).rejects.toThrow(/Unexpected authentication response origin/);
    await expect(
      verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN, rpId: "evil.example" })),
    ).rejects.toThrow(/Unexpected RP ID hash/);
    await expect(
      verifyAssertion(credential, (options) =>
        authenticator.authenticate({ ...options, challenge: Buffer.from("another challenge").toString("base64url") }, { origin: ORIGIN }),
      ),
    ).rejects.toThrow(/Unexpected authentication response challenge/);
    const corrupted = await verifyAssertion(credential, (options) =>
      authenticator.authenticate(options, { origin: ORIGIN, tamper: { signature: true } }),
    );
    expect(corrupted.verified).toBe(false);
  });

  it("refuses, like a browser, an RP ID that is not the origin's, unless told to act as a phishing relay", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    const elsewhere = "https://account.example.evil";

    expect(() => authenticator.authenticate(options, { origin: elsewhere })).toThrow(expect.objectContaining({ name: "SecurityError" }));
    const creation = await registrationOptions();
    expect(() => authenticator.register(creation, { origin: elsewhere })).toThrow(expect.objectContaining({ name: "SecurityError" }));
    // The relayed assertion is signed for the right RP ID, but the origin gives it away.
    await expect(
      verifyAssertion(credential, (request) => authenticator.authenticate(request, { origin: elsewhere, skipOriginCheck: true })),
    ).rejects.toThrow(/Unexpected authentication response origin/);
  });

  it("fails when the counter goes backwards", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator);
    const first = await verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN, counter: 5 }));
    expect(first.authenticationInfo.newCounter).toBe(5);
    credential.counter = first.authenticationInfo.newCounter;

    await expect(
      verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN, counter: "decrease" })),
    ).rejects.toThrow(/counter value/i);
    await expect(
      verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN, counter: "same" })),
    ).rejects.toThrow(/counter value/i);
    // The device itself moved on from 5, not from the clone's 4.
    const next = await verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN }));
    expect(next.authenticationInfo.newCounter).toBe(6);
  });

  it("passes with a counter of 0 every time (a synced passkey keeps none)", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credential } = await registered(authenticator, { backupEligible: true, backedUp: true });
    expect(credential.counter).toBe(0);

    for (let i = 0; i < 2; i += 1) {
      const result = await verifyAssertion(credential, (options) => authenticator.authenticate(options, { origin: ORIGIN, counter: 0 }));
      expect(result).toMatchObject({ verified: true, authenticationInfo: { newCounter: 0, credentialBackedUp: true } });
      credential.counter = result.authenticationInfo.newCounter;
    }
  });
});
