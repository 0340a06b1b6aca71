"use server";

import { authedAction, publicAction } from "@/lib/http/action";
import { cancelChallenge, resendChallenge } from "@/lib/step-up/challenges";
import { reportChallenge } from "@/lib/step-up/report";
import { challengeRefSchema, reportChallengeSchema, type StepUpChallengeDto } from "@/shared/step-up";

/** The code modal's own actions; the code itself is sent with the change it was asked for (withStepUp). */
export const resendStepUpCodeAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  const challenge: StepUpChallengeDto = await resendChallenge(context, challengeId);
  return { ok: true, message: "We sent a new code. The previous one no longer works.", challenge };
});

export const cancelStepUpAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  await cancelChallenge(context, challengeId);
  return { ok: true };
});

/** "This wasn't me": the emailed link's token is the only proof needed, so signed-out visitors can use it. */
export const reportStepUpAction = publicAction(reportChallengeSchema, async ({ token }, { meta }) => {
  if (await reportChallenge(token, meta)) return { ok: true };
  return { ok: false, code: "NOT_FOUND", message: "This link has expired or was already used." };
});
