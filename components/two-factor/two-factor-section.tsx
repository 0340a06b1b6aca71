"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState, type RefObject } from "react";
import { startTwoFactorEnrolmentAction } from "@/actions/two-factor";
import { outcomeOf, useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LiveMessage, Notice } from "@/components/ui/notice";
import { onDemand, preloadOnIntent } from "@/components/ui/on-demand";
import type { EnrolmentDto, TwoFactorStatus } from "@/shared/two-factor";

const EnrolDialog = onDemand(() => import("@/components/two-factor/enrol-dialog").then((module) => module.EnrolDialog));
const RegenerateCodesDialog = onDemand(() =>
  import("@/components/two-factor/regenerate-codes-dialog").then((module) => module.RegenerateCodesDialog),
);
const TurnOffDialog = onDemand(() => import("@/components/two-factor/turn-off-dialog").then((module) => module.TurnOffDialog));

type TwoFactorSectionProps = {
  heading: CardHeading;
  status: TwoFactorStatus;
  accountEmail: string;
};

type OpenDialog = { kind: "enrol"; enrolment: EnrolmentDto } | { kind: "regenerate" } | { kind: "turn-off" } | null;
type Result = { ok: boolean; message: string };

export function TwoFactorSection({ heading, status, accountEmail }: TwoFactorSectionProps) {
  const t = useTranslations("security");
  const format = useFormatter();
  const start = useProtectedAction(startTwoFactorEnrolmentAction);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [result, setResult] = useState<Result | null>(null);
  // Where focus goes once a dialog closes: the button that opened it, or the outcome when that button is gone.
  const [focusTarget, setFocusTarget] = useState<{ ref: RefObject<HTMLElement | null>; count: number } | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const turnOnRef = useRef<HTMLButtonElement>(null);
  const regenerateRef = useRef<HTMLButtonElement>(null);
  const turnOffRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    focusTarget?.ref.current?.focus();
  }, [focusTarget, status.enabled]);

  const finish = (outcome: Result | null, fallback: RefObject<HTMLElement | null>) => {
    setDialog(null);
    if (outcome) setResult(outcome);
    setFocusTarget((previous) => ({ ref: outcome ? noticeRef : fallback, count: (previous?.count ?? 0) + 1 }));
  };

  const turnOn = async () => {
    setResult(null);
    EnrolDialog.preload();
    const started = await start.run({});
    if (started.ok && started.data) return setDialog({ kind: "enrol", enrolment: started.data });
    setResult(outcomeOf(started));
  };

  const open = (next: OpenDialog) => {
    setResult(null);
    setDialog(next);
  };

  const low = status.enabled && status.recoveryCodesLeft <= status.warnAt;

  return (
    <Card
      {...heading}
      action={
        status.enabled ? (
          <span className="shrink-0 rounded-full bg-emerald-50 px-2.5 py-1 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200">
            {t("twoFactor.on")}
          </span>
        ) : (
          <span className="shrink-0 rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-700">{t("twoFactor.off")}</span>
        )
      }
    >
      <CardBody className="space-y-4">
        {/* Focus lands here after a change: the button that opened the dialog may be gone. */}
        <div ref={noticeRef} tabIndex={-1} className="outline-none!">
          <LiveMessage tone={result?.ok ? "success" : "error"} message={result?.message} />
        </div>
        {status.enabled ? (
          <>
            <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
              <dt className="font-medium text-slate-600">{t("twoFactor.statusLabel")}</dt>
              <dd className="text-slate-900">
                {status.enabledAt
                  ? t("twoFactor.onSince", { date: format.dateTime(new Date(status.enabledAt), "dateAndTime") })
                  : t("twoFactor.on")}
              </dd>
              <dt className="font-medium text-slate-600">{t("twoFactor.recoveryCodesLabel")}</dt>
              <dd className="text-slate-900">
                {t.rich("twoFactor.codesLeft", {
                  count: status.recoveryCodesLeft,
                  strong: (chunks) => <span className="font-semibold tabular-nums">{chunks}</span>,
                })}
              </dd>
            </dl>
            {low && <Notice tone="warning">{t("twoFactor.lowCodes", { count: status.recoveryCodesLeft })}</Notice>}
            <div className="flex flex-wrap gap-3">
              <Button
                ref={regenerateRef}
                variant="secondary"
                onClick={() => open({ kind: "regenerate" })}
                {...preloadOnIntent(RegenerateCodesDialog)}
              >
                {t("twoFactor.regenerate")}
              </Button>
              <Button
                ref={turnOffRef}
                variant="secondary"
                className="text-red-700"
                onClick={() => open({ kind: "turn-off" })}
                {...preloadOnIntent(TurnOffDialog)}
              >
                {t("twoFactor.turnOff")}
              </Button>
            </div>
          </>
        ) : (
          <>
            <p className="text-sm text-slate-600">{t("twoFactor.offText")}</p>
            <Button
              ref={turnOnRef}
              onClick={turnOn}
              pending={start.pending}
              pendingText={t("twoFactor.starting")}
              {...preloadOnIntent(EnrolDialog)}
            >
              {t("twoFactor.turnOn")}
            </Button>
          </>
        )}
      </CardBody>
      {dialog?.kind === "enrol" && (
        <EnrolDialog
          enrolment={dialog.enrolment}
          accountEmail={accountEmail}
          onClose={(enabled) => finish(enabled ? { ok: true, message: t("twoFactor.enabled") } : null, turnOnRef)}
        />
      )}
      {dialog?.kind === "regenerate" && (
        <RegenerateCodesDialog
          accountEmail={accountEmail}
          onClose={(created) => finish(created ? { ok: true, message: t("twoFactor.regenerated") } : null, regenerateRef)}
        />
      )}
      {dialog?.kind === "turn-off" && <TurnOffDialog onClose={(message) => finish(message ? { ok: true, message } : null, turnOffRef)} />}
    </Card>
  );
}
