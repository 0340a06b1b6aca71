"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { revokeSessionAction, signOutOtherSessionsAction } from "@/actions/sessions";
import { outcomeOf, useProtectedAction, type Outcome } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LiveMessage } from "@/components/ui/notice";
import type { SessionDto } from "@/shared/sessions";

type SessionsSectionProps = { heading: CardHeading; sessions: SessionDto[] };

export function SessionsSection({ heading, sessions }: SessionsSectionProps) {
  const t = useTranslations("security");
  const format = useFormatter();
  const router = useRouter();
  const signOutOthers = useProtectedAction(signOutOtherSessionsAction);
  const revokeOne = useProtectedAction(revokeSessionAction);
  // Which button is working, and what the last one to finish said.
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<Outcome | null>(null);
  const others = sessions.filter((session) => !session.current).length;

  async function perform(key: string, run: () => ReturnType<typeof revokeOne.run>) {
    setBusy(key);
    setResult(null);
    const done = await run();
    setBusy(null);
    setResult(outcomeOf(done));
    if (done.ok) router.refresh();
  }

  return (
    <Card
      {...heading}
      action={
        <Button
          variant="secondary"
          disabled={others === 0}
          pending={busy === "others"}
          onClick={() => perform("others", () => signOutOthers.run({}))}
        >
          {t("sessions.signOutOthers")}
        </Button>
      }
    >
      <CardBody className="space-y-4">
        <LiveMessage tone={result?.ok ? "success" : "error"} message={result?.message} />
        <ul className="divide-y divide-slate-100">
          {sessions.map((session) => (
            <li key={session.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div className="min-w-0">
                <p className="flex items-center gap-2 text-sm font-medium text-slate-900">
                  <span className="truncate">{session.device}</span>
                  {session.current && (
                    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200">
                      {t("sessions.thisDevice")}
                    </span>
                  )}
                </p>
                <p className="text-xs text-slate-600">
                  {t("sessions.details", {
                    ip: session.ip ?? t("sessions.unknownIp"),
                    signedIn: format.dateTime(new Date(session.createdAt), "dateAndTime"),
                    lastActive: format.dateTime(new Date(session.lastSeenAt), "dateAndTime"),
                  })}
                </p>
              </div>
              {!session.current && (
                <Button
                  variant="ghost"
                  aria-label={t("sessions.signOutLabel", { device: session.device })}
                  pending={busy === session.id}
                  onClick={() => perform(session.id, () => revokeOne.run({ sessionId: session.id }))}
                >
                  {t("sessions.signOut")}
                </Button>
              )}
            </li>
          ))}
        </ul>
      </CardBody>
    </Card>
  );
}
