import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { encodeCBOR, type CBORType } from "@levischuck/tiny-cbor";
import type {
  AuthenticationResponseJSON,
  AuthenticatorAttachment,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

/**
 * A software WebAuthn authenticator and client for tests and benchmarks: what a browser plus a
 * passkey provider do between `navigator.credentials.create/get` and the JSON that
 * @simplewebauthn/browser's `startRegistration` / `startAuthentication` return.
 *
 * ES256 only (a P-256 key per credential, node:crypto), "none" attestation, every credential
 * discoverable (it keeps the user handle). State lives in the object: one instance is one device.
 *
 * The options marked "as a misbehaving client would" step outside what a browser allows, so that
 * a test can show the server refuses the result.
 */

/** The authenticator data flags (WebAuthn §6.1). */
const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;
const ES256 = -7;
const ZERO_AAGUID = new Uint8Array(16);

export type SoftwareCredential = {
  /** base64url credential id, as `id`/`rawId` carry it. */
  id: string;
  rpId: string;
  /** base64url user handle (the registration options' `user.id`). */
  userHandle: string;
  privateKey: KeyObject;
  /** The COSE EC2 public key as the authenticator data carried it at registration. */
  cosePublicKey: Uint8Array;
  /** The signature counter last sent. */
  counter: number;
  backupEligible: boolean;
  backedUp: boolean;
  attachment: AuthenticatorAttachment;
};

export type RegisterOptions = {
  /** The page's origin, e.g. "http://localhost:3000"; the default RP ID is its hostname. */
  origin: string;
  /** Skip the browser's check that the RP ID belongs to `origin`, as a misbehaving client (or a phishing relay) would. */
  skipOriginCheck?: boolean;
  /** The UV flag: the user unlocked the device (PIN, biometrics). Default true; UP is always set. */
  userVerified?: boolean;
  /** The authenticator model's AAGUID as a UUID string; default all zeros (as "none" attestation sends). */
  aaguid?: string;
  /** The BE flag: a credential that may be synced (a passkey provider). Default false. */
  backupEligible?: boolean;
  /** The BS flag: the credential is currently synced. Default false. */
  backedUp?: boolean;
  /**
   * The RP ID hashed into the authenticator data instead of the options', as a misbehaving client
   * would (the credential is still kept for the options' RP ID).
   */
  rpId?: string;
  /** The initial signature counter. Default 0. */
  counter?: number;
  /** What the response says the authenticator is. Default "platform" (transports ["internal"]). */
  attachment?: AuthenticatorAttachment;
};

type AuthenticateTamper = {
  /** Corrupt the signature after signing. */
  signature?: boolean;
  /** Fields merged into the client data before signing (a valid signature over the wrong data). */
  clientData?: Record<string, unknown>;
  /** The user handle to return instead of the credential's; `null` returns none. */
  userHandle?: string | null;
};

export type AuthenticateOptions = {
  /** The page's origin; the default RP ID is its hostname. */
  origin: string;
  /** Skip the browser's check that the RP ID belongs to `origin`, as a misbehaving client (or a phishing relay) would. */
  skipOriginCheck?: boolean;
  /** The UV flag. Default true; UP is always set. */
  userVerified?: boolean;
  /**
   * Which credential to use. Without it: the allowed credential (or, with an empty
   * `allowCredentials`, the one discoverable credential) this device has for the RP ID. Naming
   * one the options do not allow uses it anyway, as a misbehaving client would.
   */
  credentialId?: string;
  /**
   * The signature counter: by default the credential's counter plus one; a number is sent (and
   * kept) as is, so `0` every time is a synced passkey that keeps no counter; "same" repeats the
   * last one; "decrease" sends one less than the last (a cloned credential lagging behind; the
   * device's own counter is not changed; the last one must be above 0).
   */
  counter?: number | "same" | "decrease";
  /** The RP ID hashed into the authenticator data instead of the credential's, as a misbehaving client would. */
  rpId?: string;
  tamper?: AuthenticateTamper;
};

/** A browser's `DOMException`, with its name (InvalidStateError, NotAllowedError, SecurityError, …). */
function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

const sha256 = (data: Uint8Array | string): Buffer => createHash("sha256").update(data).digest();
const b64url = (data: Uint8Array): string => Buffer.from(data).toString("base64url");
/** Base64url decode then encode: what a browser does with a challenge it is given as a buffer. */
const normalise = (value: string): string => Buffer.from(value, "base64url").toString("base64url");

function uint32(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`Invalid signature counter ${value}`);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function aaguidBytes(aaguid: string | undefined): Uint8Array {
  if (aaguid === undefined) return ZERO_AAGUID;
  const hex = aaguid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`Invalid AAGUID ${aaguid}`);
  return Buffer.from(hex, "hex");
}

/** The RP ID a browser would use for this origin, or a SecurityError when the options name one it may not. */
function effectiveRpId(origin: string, requested: string | undefined, skipCheck = false): string {
  const host = new URL(origin).hostname;
  if (requested === undefined || requested === host) return host;
  if (skipCheck || host.endsWith(`.${requested}`)) return requested;
  throw domError("SecurityError", `The RP ID "${requested}" is invalid for this domain`);
}

function flags(userVerified: boolean, backup: Pick<SoftwareCredential, "backupEligible" | "backedUp">, attested: boolean): number {
  return (
    FLAG.UP |
    (userVerified ? FLAG.UV : 0) |
    (backup.backupEligible ? FLAG.BE : 0) |
    (backup.backedUp ? FLAG.BS : 0) |
    (attested ? FLAG.AT : 0)
  );
}

/** The COSE_Key of a P-256 public key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y. */
function coseEc2PublicKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: "jwk" });
  if (!jwk.x || !jwk.y) throw new Error("Not an EC public key");
  const key = new Map<number, CBORType>([
    [1, 2],
    [3, ES256],
    [-1, 1],
    [-2, Buffer.from(jwk.x, "base64url")],
    [-3, Buffer.from(jwk.y, "base64url")],
  ]);
  return encodeCBOR(key);
}

function clientDataJSON(
  type: "webauthn.create" | "webauthn.get",
  challenge: string,
  origin: string,
  extra?: Record<string, unknown>,
): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge: normalise(challenge), origin, crossOrigin: false, ...extra }), "utf8");
}

export class SoftwareAuthenticator {
  private readonly stored = new Map<string, SoftwareCredential>();

  /** The credentials this device holds, oldest first. */
  get credentials(): SoftwareCredential[] {
    return [...this.stored.values()];
  }

  credential(id: string): SoftwareCredential {
    const found = this.stored.get(id);
    if (!found) throw new Error(`No credential ${id} on this authenticator`);
    return found;
  }

  /** `navigator.credentials.create({ publicKey })` then `startRegistration`'s JSON. */
  register(options: PublicKeyCredentialCreationOptionsJSON, settings: RegisterOptions): RegistrationResponseJSON {
    const rpId = effectiveRpId(settings.origin, options.rp.id, settings.skipOriginCheck);
    if (!options.pubKeyCredParams.some((param) => param.type === "public-key" && param.alg === ES256)) {
      throw domError("NotSupportedError", "The authenticator supports none of the requested algorithms");
    }
    const excluded = new Set((options.excludeCredentials ?? []).map((descriptor) => normalise(descriptor.id)));
    if (this.credentials.some((credential) => credential.rpId === rpId && excluded.has(credential.id))) {
      throw domError("InvalidStateError", "The authenticator was previously registered");
    }

    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const rawId = randomBytes(16);
    const cosePublicKey = coseEc2PublicKey(publicKey);
    const hashedRpId = settings.rpId ?? rpId;
    const attachment = settings.attachment ?? "platform";
    const credential: SoftwareCredential = {
      id: b64url(rawId),
      rpId,
      userHandle: normalise(options.user.id),
      privateKey,
      cosePublicKey,
      counter: settings.counter ?? 0,
      backupEligible: settings.backupEligible ?? false,
      backedUp: settings.backedUp ?? false,
      attachment,
    };

    const credentialIdLength = Buffer.alloc(2);
    credentialIdLength.writeUInt16BE(rawId.length);
    const authData = Buffer.concat([
      sha256(hashedRpId),
      Buffer.of(flags(settings.userVerified ?? true, credential, true)),
      uint32(credential.counter),
      aaguidBytes(settings.aaguid),
      credentialIdLength,
      rawId,
      cosePublicKey,
    ]);
    const attestationObject = encodeCBOR(
      new Map<string, CBORType>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    const transports: AuthenticatorTransport[] = attachment === "platform" ? ["internal"] : ["usb"];

    // Stored only once the ceremony has succeeded, as an authenticator would.
    this.stored.set(credential.id, credential);
    return {
      id: credential.id,
      rawId: credential.id,
      response: {
        attestationObject: b64url(attestationObject),
        clientDataJSON: b64url(clientDataJSON("webauthn.create", options.challenge, settings.origin)),
        transports,
        publicKeyAlgorithm: ES256,
        publicKey: b64url(publicKey.export({ type: "spki", format: "der" })),
        authenticatorData: b64url(authData),
      },
      type: "public-key",
      clientExtensionResults: options.extensions?.credProps ? { credProps: { rk: true } } : {},
      authenticatorAttachment: attachment,
    };
  }

  /** `navigator.credentials.get({ publicKey })` then `startAuthentication`'s JSON. */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, settings: AuthenticateOptions): AuthenticationResponseJSON {
    const rpId = effectiveRpId(settings.origin, options.rpId, settings.skipOriginCheck);
    const credential = this.pick(options, rpId, settings.credentialId);

    const counter =
      settings.counter === undefined
        ? credential.counter + 1
        : settings.counter === "same"
          ? credential.counter
          : settings.counter === "decrease"
            ? credential.counter - 1
            : settings.counter;
    const authData = Buffer.concat([
      sha256(settings.rpId ?? credential.rpId),
      Buffer.of(flags(settings.userVerified ?? true, credential, false)),
      uint32(counter),
    ]);
    const clientData = clientDataJSON("webauthn.get", options.challenge, settings.origin, settings.tamper?.clientData);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), { key: credential.privateKey, dsaEncoding: "der" });
    if (settings.tamper?.signature) signature[signature.length - 1]! ^= 0x01;
    if (settings.counter !== "decrease") credential.counter = counter;

    const userHandle = settings.tamper?.userHandle === undefined ? credential.userHandle : (settings.tamper.userHandle ?? undefined);
    return {
      id: credential.id,
      rawId: credential.id,
      response: {
        authenticatorData: b64url(authData),
        clientDataJSON: b64url(clientData),
        signature: b64url(signature),
        ...(userHandle === undefined ? {} : { userHandle }),
      },
      type: "public-key",
      clientExtensionResults: {},
      authenticatorAttachment: credential.attachment,
    };
  }

  private pick(options: PublicKeyCredentialRequestOptionsJSON, rpId: string, named: string | undefined): SoftwareCredential {
    if (named !== undefined) return this.credential(named);
    const allowed = new Set((options.allowCredentials ?? []).map((descriptor) => normalise(descriptor.id)));
    const candidates = this.credentials.filter(
      (credential) => credential.rpId === rpId && (allowed.size === 0 || allowed.has(credential.id)),
    );
    if (candidates.length === 0) throw domError("NotAllowedError", "No credential on this device is allowed for this request");
    if (candidates.length > 1) {
      // A browser would ask the user which one; a test names it.
      throw new Error(`${candidates.length} credentials match; name one with credentialId`);
    }
    return candidates[0]!;
  }
}
