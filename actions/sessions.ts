"use server";

import { requestTranslator } from "@/i18n/translator";
import { authedAction } from "@/lib/http/action";
import { revokeOtherSession, signOutOtherSessions } from "@/lib/sessions/other-sessions";
import { emptySchema } from "@/shared/auth";
import { revokeSessionSchema } from "@/shared/sessions";

const SECURITY_PAGE = { revalidate: ["/settings/security"] };

export const revokeSessionAction = authedAction(
  revokeSessionSchema,
  async ({ sessionId }, context) => {
    await revokeOtherSession(context, sessionId);
    return { ok: true, message: (await requestTranslator("actions"))("sessions.revoked") };
  },
  SECURITY_PAGE,
);

export const signOutOtherSessionsAction = authedAction(
  emptySchema,
  async (_input, context) => {
    const count = await signOutOtherSessions(context);
    return { ok: true, message: (await requestTranslator("actions"))("sessions.othersSignedOut", { count }) };
  },
  SECURITY_PAGE,
);
