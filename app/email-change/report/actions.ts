"use server";

import { publicAction } from "@/lib/actions/action";
import { reportEmailChange, type ReportableEmailChange } from "@/lib/account/report-email-change";
import { reportEmailChangeSchema } from "@/lib/validation/account";

/** "This wasn't me" from the old address: the emailed link's token is the only proof needed, so signed-out visitors can use it. */
export const reportEmailChangeAction = publicAction(reportEmailChangeSchema, async ({ token }, { meta }) => {
  const reported: ReportableEmailChange | null = await reportEmailChange(token, meta);
  if (reported) return { ok: true, data: reported };
  return { ok: false, code: "NOT_FOUND", message: "This link has expired or was already used." };
});
