"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { pauseStreamDestinationAction, resumeStreamDestinationAction, sendStreamTestEventAction } from "@/actions/audit-stream";
import { useProtectedAction, type Outcome } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/ui/local-time";
import { LiveMessage } from "@/components/ui/notice";
import type { StreamDestinationDto } from "@/shared/audit-stream";

const STATES: Record<StreamDestinationDto["state"], { label: string; tone: string }> = {
  active: { label: "Active", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  paused: { label: "Paused by an admin", tone: "bg-slate-100 text-slate-800 ring-slate-300" },
  auto_paused: { label: "Paused after failing", tone: "bg-red-50 text-red-800 ring-red-200" },
};

const count = new Intl.NumberFormat("en");
const plural = (value: number, noun: string) => `${count.format(value)} ${noun}${value === 1 ? "" : "s"}`;

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
  const headingId = useId();
  const router = useRouter();
  const [result, setResult] = useState<Outcome | null>(null);
  const pause = useProtectedAction(pauseStreamDestinationAction);
  const resume = useProtectedAction(resumeStreamDestinationAction);
  const test = useProtectedAction(sendStreamTestEventAction);
  const busy = pause.pending || resume.pending || test.pending;
  const paused = destination.state !== "active";
  const state = STATES[destination.state];

  const toggle = async () => {
    setResult(null);
    const outcome = await (paused ? resume : pause).run({ destinationId: destination.id });
    setResult({ ok: outcome.ok, message: outcome.message ?? (outcome.ok ? (paused ? "Resumed." : "Paused.") : "Nothing was changed.") });
    if (outcome.ok) router.refresh();
  };

  const sendTest = async () => {
    setResult(null);
    const outcome = await test.run({ destinationId: destination.id });
    setResult({ ok: outcome.ok && outcome.data?.delivered === true, message: outcome.message ?? "The test event could not be sent." });
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
            It kept failing, so it was paused and the admins were emailed. Fix the receiver, send a test event, then resume: it catches up
            from where it stopped.
          </p>
        )}
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <Fact term="State">
            {state.label}
            {destination.state === "paused" && destination.pausedAt && (
              <span className="block text-xs text-slate-600">
                since <LocalTime iso={destination.pausedAt} />
              </span>
            )}
          </Fact>
          <Fact term="Batch size">{plural(destination.batchSize, "event")} per request</Fact>
          <Fact term="Last success">{destination.lastSuccessAt ? <LocalTime iso={destination.lastSuccessAt} /> : "Never"}</Fact>
          <Fact term="Lag">
            {destination.lagEvents === 0 ? (
              "Up to date"
            ) : (
              <>
                {plural(destination.lagEvents, "event")} behind
                <span className="block text-xs text-slate-600">{formatSeconds(destination.lagSeconds)} behind</span>
              </>
            )}
          </Fact>
          <Fact term="Delivered">{plural(destination.deliveredEvents, "event")}</Fact>
          <Fact term="Failures">
            <span className={destination.consecutiveFailures > 0 ? "font-semibold text-red-700" : undefined}>
              {count.format(destination.consecutiveFailures)} in a row
            </span>
            , {count.format(destination.totalFailures)} in all
            {destination.failingSince && (
              <span className="block text-xs text-slate-600">
                failing since <LocalTime iso={destination.failingSince} />
              </span>
            )}
          </Fact>
        </dl>
        {destination.lastError && (
          <div className="rounded-md bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200 ring-inset">
            <p className="font-medium text-slate-800">
              Last error
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
        <div role="group" aria-label={`Actions for ${destination.name}`} className="flex flex-wrap gap-2 border-t border-slate-100 pt-4">
          <Button variant="secondary" onClick={sendTest} pending={test.pending} pendingText="Sending…" disabled={busy}>
            Send test event
          </Button>
          <Button
            variant="secondary"
            onClick={toggle}
            pending={pause.pending || resume.pending}
            pendingText={paused ? "Resuming…" : "Pausing…"}
            disabled={busy}
          >
            {paused ? "Resume" : "Pause"}
          </Button>
          <Button variant="secondary" onClick={onEdit} disabled={busy}>
            Edit
          </Button>
          <Button variant="secondary" onClick={onDelete} disabled={busy}>
            Delete
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
function formatSeconds(total: number): string {
  const seconds = Math.max(0, Math.round(total));
  const unit = (value: number, noun: string) => `${value} ${noun}${value === 1 ? "" : "s"}`;
  if (seconds < 60) return unit(seconds, "second");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return unit(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${unit(hours, "hour")} ${unit(minutes % 60, "minute")}` : unit(hours, "hour");
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${unit(days, "day")} ${unit(hours % 24, "hour")}` : unit(days, "day");
}
