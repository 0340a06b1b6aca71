"use server";

import { redirect } from "next/navigation";
import { requestTranslator } from "@/i18n/translator";
import { signIn, SignInRefused } from "@/lib/auth/next-auth";
import { ensureDeviceId } from "@/lib/devices/cookie";
import { authedAction, publicAction } from "@/lib/http/action";
import { removePasskey, renamePasskey } from "@/lib/passkeys/manage";
import { addPasskey, passkeyRegistrationOptions } from "@/lib/passkeys/registration";
import { passkeySignInOptions } from "@/lib/passkeys/sign-in";
import { emptySchema } from "@/shared/auth";
import { AppError } from "@/shared/errors";
import { safeNextPath } from "@/shared/format";
import { addPasskeySchema, passkeySignInSchema, removePasskeySchema, renamePasskeySchema } from "@/shared/passkeys";

const SECURITY_PAGE = { revalidate: ["/settings/security"] };

/** Step 1 of adding: options for `startRegistration` (a 5-minute challenge for this session). */
export const passkeyRegistrationOptionsAction = authedAction(emptySchema, async (_input, context) => ({
  ok: true,
  data: { options: await passkeyRegistrationOptions(context) },
}));

/** Step 2: the authenticator's answer, stored behind high-risk step-up (the code modal opens). */
export const addPasskeyAction = authedAction(
  addPasskeySchema,
  async ({ response }, context) => {
    const passkey = await addPasskey(context, response);
    return { ok: true, message: (await requestTranslator("actions"))("passkeys.added"), data: { passkey } };
  },
  SECURITY_PAGE,
);

export const renamePasskeyAction = authedAction(
  renamePasskeySchema,
  async ({ passkeyId, name }, context) => {
    await renamePasskey(context, passkeyId, name);
    return { ok: true, message: (await requestTranslator("actions"))("passkeys.renamed") };
  },
  SECURITY_PAGE,
);

export const removePasskeyAction = authedAction(
  removePasskeySchema,
  async ({ passkeyId }, context) => {
    await removePasskey(context, passkeyId);
    return { ok: true, message: (await requestTranslator("actions"))("passkeys.removed") };
  },
  SECURITY_PAGE,
);

/** Options for `startAuthentication` on /login (button or autofill): any of the user's passkeys. */
export const passkeySignInOptionsAction = publicAction(emptySchema, async (_input, { meta }) => ({
  ok: true,
  data: { options: await passkeySignInOptions(meta) },
}));

/** A user-verified passkey is a complete sign-in: no password, no second step. */
export const passkeySignInAction = publicAction(passkeySignInSchema, async ({ response, next }) => {
  try {
    await signIn("passkey", { response, device: await ensureDeviceId(), redirect: false });
  } catch (error) {
    // Every refusal but the rate limit reads the same: nothing tells which check failed.
    if (error instanceof SignInRefused)
      throw new AppError(error.reason === "RATE_LIMITED" ? "RATE_LIMITED" : "PASSKEY_REFUSED", error.details);
    throw error;
  }
  redirect(safeNextPath(next));
});
