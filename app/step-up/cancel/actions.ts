"use server";

import { publicAction } from "@/lib/actions/action";
import { reportChallenge } from "@/lib/step-up/report";
import { reportChallengeSchema } from "@/lib/validation/step-up";

/** "This wasn't me": the emailed link's token is the only proof needed, so signed-out visitors can use it. */
export const reportStepUpAction = publicAction(reportChallengeSchema, async ({ token }, { meta }) => {
  if (await reportChallenge(token, meta)) return { ok: true };
  return { ok: false, code: "NOT_FOUND", message: "This link has expired or was already used." };
});
