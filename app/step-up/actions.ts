"use server";

import { authedAction } from "@/lib/actions/action";
import { cancelChallenge, resendChallenge } from "@/lib/step-up/challenge";
import type { StepUpChallengeDto } from "@/lib/step-up/types";
import { challengeRefSchema } from "@/lib/validation/step-up";

/** The code modal's own actions; the code itself is sent with the change it was asked for (withStepUp). */
export const resendStepUpCodeAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  const challenge: StepUpChallengeDto = await resendChallenge(context, challengeId);
  return { ok: true, message: "We sent a new code. The previous one no longer works.", challenge };
});

export const cancelStepUpAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  await cancelChallenge(context, challengeId);
  return { ok: true };
});
