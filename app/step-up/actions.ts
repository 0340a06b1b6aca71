"use server";

import { authedAction } from "@/lib/actions/action";
import { cancelChallenge, resendChallenge } from "@/lib/step-up/challenge";
import type { StepUpChallengeDto } from "@/lib/step-up/types";
import { verifyStepUp } from "@/lib/step-up/verify";
import { challengeRefSchema, verifyStepUpSchema } from "@/lib/validation/step-up";

/** The code modal's three actions. After a successful verify the modal replays the original action. */
export const verifyStepUpAction = authedAction(verifyStepUpSchema, async (input, context) => {
  await verifyStepUp(context, input);
  return { ok: true };
});

export const resendStepUpCodeAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  const challenge: StepUpChallengeDto = await resendChallenge(context, challengeId);
  return { ok: true, message: "We sent a new code. The previous one no longer works.", challenge };
});

export const cancelStepUpAction = authedAction(challengeRefSchema, async ({ challengeId }, context) => {
  await cancelChallenge(context, challengeId);
  return { ok: true };
});
