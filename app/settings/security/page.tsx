import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { EmailSection } from "@/components/account/email-section";
import { PasswordSection } from "@/components/account/password-section";
import { RecoveryHoldNotice } from "@/components/account/recovery-hold-notice";
import { ApiTokensSection } from "@/components/api-tokens/api-tokens-section";
import { ClientMessages } from "@/components/layout/client-messages";
import { PasskeysSection } from "@/components/passkeys/passkeys-section";
import { SessionsSection } from "@/components/sessions/sessions-section";
import { TwoFactorSection } from "@/components/two-factor/two-factor-section";
import type { CardHeading } from "@/components/ui/card";
import { loadSecurityOverview } from "@/lib/account/security-overview";
import { requireSession } from "@/lib/sessions/current";
import { grantableScopes } from "@/shared/api-tokens";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("security");
  return { title: t("page.title") };
}

/** The page's sections, in order: the anchor each one is reached by. */
const SECTIONS = ["api-tokens", "two-step", "passkeys", "email", "password", "sessions"] as const;
type SectionId = (typeof SECTIONS)[number];

export default async function SecurityPage() {
  const session = await requireSession();
  const userId = session.user.id;
  const t = await getTranslations("security");
  const headings: Record<SectionId, { title: string; description: string }> = {
    "api-tokens": { title: t("page.sections.apiTokens.title"), description: t("page.sections.apiTokens.description") },
    "two-step": { title: t("page.sections.twoStep.title"), description: t("page.sections.twoStep.description") },
    passkeys: { title: t("page.sections.passkeys.title"), description: t("page.sections.passkeys.description") },
    email: { title: t("page.sections.email.title"), description: t("page.sections.email.description") },
    password: { title: t("page.sections.password.title"), description: t("page.sections.password.description") },
    sessions: { title: t("page.sections.sessions.title"), description: t("page.sections.sessions.description") },
  };
  const { tokens, twoFactor, passkeys, pendingEmailChange, sessions, hold } = await loadSecurityOverview(userId, session.id);
  const built: Record<SectionId, (heading: CardHeading) => ReactNode> = {
    "api-tokens": (heading) => <ApiTokensSection heading={heading} tokens={tokens} scopes={grantableScopes(session.user.role)} />,
    "two-step": (heading) => <TwoFactorSection heading={heading} status={twoFactor} accountEmail={session.user.email} />,
    passkeys: (heading) => <PasskeysSection heading={heading} passkeys={passkeys} />,
    email: (heading) => <EmailSection heading={heading} currentEmail={session.user.email} pending={pendingEmailChange} />,
    password: (heading) => <PasswordSection heading={heading} />,
    sessions: (heading) => <SessionsSection heading={heading} sessions={sessions} />,
  };
  return (
    <ClientMessages area="security">
      <div className="space-y-6">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">{t("page.title")}</h1>
          <p className="mt-1 text-sm text-slate-600">{t("page.intro")}</p>
        </div>
        {hold && <RecoveryHoldNotice hold={hold} />}
        {SECTIONS.map((id) => (
          <div key={id} id={id} className="scroll-mt-6">
            {built[id]({ headingId: `${id}-heading`, ...headings[id] })}
          </div>
        ))}
      </div>
    </ClientMessages>
  );
}
