"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { pauseStreamDestinationAction, resumeStreamDestinationAction, sendStreamTestEventAction } from "@/actions/audit-stream";
import { useProtectedAction, type Outcome } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/ui/local-time";
import { LiveMessage } from "@/components/ui/notice";
import type { Translate } from "@/i18n/translate";
import type { StreamDestinationDto } from "@/shared/audit-stream";

const STATE_TONES: Record<StreamDestinationDto["state"], string> = {
  active: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  paused: "bg-slate-100 text-slate-800 ring-slate-300",
  auto_paused: "bg-red-50 text-red-800 ring-red-200",
};

/** One destination: where it sends, how far behind it is, how it has been failing, and its buttons. */
export function DestinationItem({
  destination,
  onEdit,
  onDelete,
}: {
  destination: StreamDestinationDto;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  const headingId = useId();
  const router = useRouter();
  const [result, setResult] = useState<Outcome | null>(null);
  const pause = useProtectedAction(pauseStreamDestinationAction);
  const resume = useProtectedAction(resumeStreamDestinationAction);
  const test = useProtectedAction(sendStreamTestEventAction);
  const busy = pause.pending || resume.pending || test.pending;
  const paused = destination.state !== "active";
  const state = { label: t(`streaming.destination.states.${destination.state}`), tone: STATE_TONES[destination.state] };
  /** A rich message's `<time></time>`: the moment in the viewer's zone. */
  const time = (iso: string) =>
    function Moment() {
      return <LocalTime iso={iso} />;
    };

  const toggle = async () => {
    setResult(null);
    const outcome = await (paused ? resume : pause).run({ destinationId: destination.id });
    const fallback = outcome.ok
      ? t(paused ? "streaming.destination.resumed" : "streaming.destination.paused")
      : t("streaming.destination.unchanged");
    setResult({ ok: outcome.ok, message: outcome.message ?? fallback });
    if (outcome.ok) router.refresh();
  };

  const sendTest = async () => {
    setResult(null);
    const outcome = await test.run({ destinationId: destination.id });
    setResult({ ok: outcome.ok && outcome.data?.delivered === true, message: outcome.message ?? t("streaming.destination.testFailed") });
  };

  return (
    <section aria-labelledby={headingId} className="rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-200 px-6 py-4">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold [overflow-wrap:anywhere] text-slate-900">
            {destination.name}
          </h2>
          <p className="mt-0.5 font-mono text-xs [overflow-wrap:anywhere] text-slate-600">{destination.url}</p>
        </div>
        <span className={`rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${state.tone}`}>
          {state.label}
        </span>
      </div>
      <div className="space-y-4 px-6 py-4">
        {destination.state === "auto_paused" && (
          <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200 ring-inset">
            {t("streaming.destination.autoPaused")}
          </p>
        )}
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <Fact term={t("streaming.destination.state")}>
            {state.label}
            {destination.state === "paused" && destination.pausedAt && (
              <span className="block text-xs text-slate-600">
                {t.rich("streaming.destination.pausedSince", { time: time(destination.pausedAt) })}
              </span>
            )}
          </Fact>
          <Fact term={t("streaming.destination.batchSize")}>{t("streaming.destination.perRequest", { count: destination.batchSize })}</Fact>
          <Fact term={t("streaming.destination.lastSuccess")}>
            {destination.lastSuccessAt ? <LocalTime iso={destination.lastSuccessAt} /> : tc("never")}
          </Fact>
          <Fact term={t("streaming.destination.lag")}>
            {destination.lagEvents === 0 ? (
              t("streaming.destination.upToDate")
            ) : (
              <>
                {t("streaming.destination.eventsBehind", { count: destination.lagEvents })}
                <span className="block text-xs text-slate-600">
                  {t("streaming.destination.timeBehind", { duration: formatSeconds(destination.lagSeconds, t) })}
                </span>
              </>
            )}
          </Fact>
          <Fact term={t("streaming.destination.delivered")}>
            {t("streaming.destination.events", { count: destination.deliveredEvents })}
          </Fact>
          <Fact term={t("streaming.destination.failures")}>
            {t.rich("streaming.destination.failureCounts", {
              consecutive: destination.consecutiveFailures,
              total: destination.totalFailures,
              inARow: (chunks) => (
                <span className={destination.consecutiveFailures > 0 ? "font-semibold text-red-700" : undefined}>{chunks}</span>
              ),
            })}
            {destination.failingSince && (
              <span className="block text-xs text-slate-600">
                {t.rich("streaming.destination.failingSince", { time: time(destination.failingSince) })}
              </span>
            )}
          </Fact>
        </dl>
        {destination.lastError && (
          <div className="rounded-md bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200 ring-inset">
            <p className="font-medium text-slate-800">
              {t("streaming.destination.lastError")}
              {destination.lastFailureAt && (
                <span className="font-normal text-slate-600">
                  {" "}
                  · <LocalTime iso={destination.lastFailureAt} />
                </span>
              )}
            </p>
            <p className="mt-0.5 font-mono text-xs [overflow-wrap:anywhere] text-slate-700">{destination.lastError}</p>
          </div>
        )}
        {/* Both always rendered, so a result that appears later is announced: errors assertively. */}
        <LiveMessage tone="success" message={result?.ok ? result.message : null} />
        <LiveMessage tone="error" message={result && !result.ok ? result.message : null} />
        <div
          role="group"
          aria-label={t("streaming.destination.actionsLabel", { name: destination.name })}
          className="flex flex-wrap gap-2 border-t border-slate-100 pt-4"
        >
          <Button
            variant="secondary"
            onClick={sendTest}
            pending={test.pending}
            pendingText={t("streaming.destination.sending")}
            disabled={busy}
          >
            {t("streaming.destination.sendTest")}
          </Button>
          <Button
            variant="secondary"
            onClick={toggle}
            pending={pause.pending || resume.pending}
            pendingText={t(paused ? "streaming.destination.resuming" : "streaming.destination.pausing")}
            disabled={busy}
          >
            {t(paused ? "streaming.destination.resume" : "streaming.destination.pause")}
          </Button>
          <Button variant="secondary" onClick={onEdit} disabled={busy}>
            {t("streaming.destination.edit")}
          </Button>
          <Button variant="secondary" onClick={onDelete} disabled={busy}>
            {t("streaming.destination.delete")}
          </Button>
        </div>
      </div>
    </section>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-600">{term}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}

/** "45 seconds", "12 minutes", "3 hours 5 minutes", "2 days 4 hours". */
function formatSeconds(total: number, t: Translate<"admin">): string {
  const seconds = Math.max(0, Math.round(total));
  if (seconds < 60) return t("streaming.duration.seconds", { seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t("streaming.duration.minutes", { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24)
    return minutes % 60 ? t("streaming.duration.hoursMinutes", { hours, minutes: minutes % 60 }) : t("streaming.duration.hours", { hours });
  const days = Math.floor(hours / 24);
  return hours % 24 ? t("streaming.duration.daysHours", { days, hours: hours % 24 }) : t("streaming.duration.days", { days });
}
