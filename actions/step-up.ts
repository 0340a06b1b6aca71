"use server";

import { requestTranslator } from "@/i18n/translator";
import { authedAction, publicAction } from "@/lib/http/action";
import { cancelChallenge, resendChallenge } from "@/lib/step-up/challenges";
import { reportChallenge } from "@/lib/step-up/report";
import { challengeRefSchema, reportChallengeSchema, type StepUpChallengeDto } from "@/shared/step-up";

/** The code modal's own actions; the code itself is sent with the change it was asked for (withStepUp). */
export const resendStepUpCodeAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  const challenge: StepUpChallengeDto = await resendChallenge(context, challengeId);
  return { ok: true, message: (await requestTranslator("actions"))("codeResent"), challenge };
});

export const cancelStepUpAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  await cancelChallenge(context, challengeId);
  return { ok: true };
});

/** "This wasn't me": the emailed link's token is the only proof needed, so signed-out visitors can use it. */
export const reportStepUpAction = publicAction(reportChallengeSchema, async ({ token }, { meta }) => {
  if (await reportChallenge(token, meta)) return { ok: true };
  return { ok: false, code: "NOT_FOUND", message: (await requestTranslator("actions"))("linkExpired") };
});
