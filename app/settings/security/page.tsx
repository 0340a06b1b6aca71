import type { Metadata } from "next";
import type { ReactNode } from "react";
import { EmailSection } from "@/components/account/email-section";
import { PasswordSection } from "@/components/account/password-section";
import { RecoveryHoldNotice } from "@/components/account/recovery-hold-notice";
import { ApiTokensSection } from "@/components/api-tokens/api-tokens-section";
import { PasskeysSection } from "@/components/passkeys/passkeys-section";
import { SessionsSection } from "@/components/sessions/sessions-section";
import { TwoFactorSection } from "@/components/two-factor/two-factor-section";
import type { CardHeading } from "@/components/ui/card";
import { getPendingEmailChange } from "@/lib/account/change-email";
import { findRecoveryHold } from "@/lib/account/recovery-hold";
import { listApiTokens } from "@/lib/api-tokens/list";
import { listPasskeys } from "@/lib/passkeys/manage";
import { requireSession } from "@/lib/sessions/current";
import { listActiveSessions } from "@/lib/sessions/other-sessions";
import { getTwoFactorStatus } from "@/lib/two-factor/manage";
import { grantableScopes } from "@/shared/api-tokens";

export const metadata: Metadata = { title: "Security" };

const SECTIONS = [
  {
    id: "api-tokens",
    title: "API tokens",
    description: "Personal tokens for scripts and CI. Each one is shown once and can be revoked at any time.",
  },
  {
    id: "two-step",
    title: "Two-step verification",
    description: "Ask for a code from an authenticator app when you sign in, with recovery codes as a backup.",
  },
  {
    id: "passkeys",
    title: "Passkeys",
    description: "Sign in with your fingerprint, face, screen lock or a security key instead of a password, and confirm changes with it.",
  },
  {
    id: "email",
    title: "Email address",
    description: "Where security codes and notifications go. The new address must confirm before it takes over.",
  },
  { id: "password", title: "Password", description: "Change your password and sign out your other sessions." },
  { id: "sessions", title: "Active sessions", description: "Browsers signed in to your account. Sign out any you don't recognise." },
] as const;

export default async function SecurityPage() {
  const session = await requireSession();
  const userId = session.user.id;
  const [tokens, twoFactor, passkeys, pendingEmailChange, sessions, hold] = await Promise.all([
    listApiTokens(userId),
    getTwoFactorStatus(userId),
    listPasskeys(userId),
    getPendingEmailChange(userId),
    listActiveSessions(userId, session.id),
    findRecoveryHold(userId),
  ]);
  const built: Record<(typeof SECTIONS)[number]["id"], (heading: CardHeading) => ReactNode> = {
    "api-tokens": (heading) => <ApiTokensSection heading={heading} tokens={tokens} scopes={grantableScopes(session.user.role)} />,
    "two-step": (heading) => <TwoFactorSection heading={heading} status={twoFactor} accountEmail={session.user.email} />,
    passkeys: (heading) => <PasskeysSection heading={heading} passkeys={passkeys} />,
    email: (heading) => <EmailSection heading={heading} currentEmail={session.user.email} pending={pendingEmailChange} />,
    password: (heading) => <PasswordSection heading={heading} />,
    sessions: (heading) => <SessionsSection heading={heading} sessions={sessions} />,
  };
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Security</h1>
        <p className="mt-1 text-sm text-slate-600">
          Security changes on this page ask for fresh proof, a one-time code sent to your email or your passkey, so a stolen password alone
          cannot change your security settings.
        </p>
      </div>
      {hold && <RecoveryHoldNotice hold={hold} />}
      {SECTIONS.map((section) => (
        <div key={section.id} id={section.id} className="scroll-mt-6">
          {built[section.id]({ headingId: `${section.id}-heading`, title: section.title, description: section.description })}
        </div>
      ))}
    </div>
  );
}
