"use server";

import { redirect } from "next/navigation";
import { requestTranslator } from "@/i18n/translator";
import { secureAccount, secureAccountByLink } from "@/lib/account/secure-account";
import { forgetDevice } from "@/lib/devices/known-devices";
import { authedAction, publicAction } from "@/lib/http/action";
import { forgetDeviceSchema, secureAccountLinkSchema, secureAccountSchema } from "@/shared/activity";

export const secureAccountAction = authedAction(secureAccountSchema, async ({ event }, context) => {
  await secureAccount(context, event ?? null);
  redirect("/settings/activity/secured");
});

export const forgetDeviceAction = authedAction(
  forgetDeviceSchema,
  async ({ deviceId }, context) => {
    await forgetDevice(context, deviceId);
    return { ok: true, message: (await requestTranslator("actions"))("activity.deviceForgotten") };
  },
  { revalidate: ["/settings/activity"] },
);

/** The new-device email's link: the button on /secure-account. */
export const secureAccountByLinkAction = publicAction(secureAccountLinkSchema, async ({ token }, { meta }) => {
  const secured = await secureAccountByLink(token, meta);
  if (secured) return { ok: true, data: { reference: secured.reference } };
  return { ok: false, code: "NOT_FOUND", message: (await requestTranslator("actions"))("linkExpired") };
});
