"use server";

import { requestTranslator } from "@/i18n/translator";
import { authedAction } from "@/lib/http/action";
import { confirmTwoFactorEnrolment, startTwoFactorEnrolment } from "@/lib/two-factor/enrolment";
import { disableTwoFactor, regenerateRecoveryCodes } from "@/lib/two-factor/manage";
import { emptySchema } from "@/shared/auth";
import { confirmEnrolmentSchema, type EnrolmentDto } from "@/shared/two-factor";

const SECURITY_PAGE = { revalidate: ["/settings/security"] };

export const startTwoFactorEnrolmentAction = authedAction(emptySchema, async (_input, context) => ({
  ok: true,
  data: (await startTwoFactorEnrolment(context)) satisfies EnrolmentDto,
}));

export const confirmTwoFactorEnrolmentAction = authedAction(
  confirmEnrolmentSchema,
  async (input, context) => {
    const { recoveryCodes } = await confirmTwoFactorEnrolment(context, input);
    return { ok: true, message: (await requestTranslator("actions"))("twoFactor.on"), data: { recoveryCodes } };
  },
  SECURITY_PAGE,
);

export const disableTwoFactorAction = authedAction(
  emptySchema,
  async (_input, context) => {
    await disableTwoFactor(context);
    return { ok: true, message: (await requestTranslator("actions"))("twoFactor.off") };
  },
  SECURITY_PAGE,
);

export const regenerateRecoveryCodesAction = authedAction(
  emptySchema,
  async (_input, context) => {
    const { recoveryCodes } = await regenerateRecoveryCodes(context);
    return { ok: true, message: (await requestTranslator("actions"))("twoFactor.recoveryCodesCreated"), data: { recoveryCodes } };
  },
  SECURITY_PAGE,
);
