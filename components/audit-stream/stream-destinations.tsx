"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState, type ReactNode } from "react";
import { AddDestinationDialog } from "@/components/audit-stream/add-destination-dialog";
import { DeleteDestinationDialog } from "@/components/audit-stream/delete-destination-dialog";
import { DestinationItem } from "@/components/audit-stream/destination-item";
import { EditDestinationDialog } from "@/components/audit-stream/edit-destination-dialog";
import { LiveMessage } from "@/components/ui/notice";
import type { Translate } from "@/i18n/translate";
import type { StreamDestinationDto } from "@/shared/audit-stream";

type StreamDestinationsProps = {
  destinations: StreamDestinationDto[];
  /** Development only: http:// to this machine is accepted as an endpoint. */
  allowLoopbackHttp: boolean;
  /** AUDIT_STREAM_PAUSE_AFTER_MINUTES: how long a destination may fail before it is paused. */
  pauseAfterMinutes: number;
};

/** The destinations, the add button, and the dialogs that change them; what each change did is announced at the top. */
export function StreamDestinations({ destinations, allowLoopbackHttp, pauseAfterMinutes }: StreamDestinationsProps) {
  const t = useTranslations("admin");
  const router = useRouter();
  const [editing, setEditing] = useState<StreamDestinationDto | null>(null);
  const [deleting, setDeleting] = useState<StreamDestinationDto | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const status = useRef<HTMLDivElement>(null);

  const changed = (text: string) => {
    setEditing(null);
    setDeleting(null);
    setMessage(text);
    router.refresh();
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-sm text-slate-600">{t("streaming.summary", { count: destinations.length })}</p>
        <AddDestinationDialog
          allowLoopbackHttp={allowLoopbackHttp}
          onAdded={(text) => {
            setMessage(text);
            router.refresh();
          }}
        />
      </div>
      <div ref={status} tabIndex={-1} className="outline-none">
        <LiveMessage tone="success" message={message} />
      </div>
      {destinations.length === 0 ? (
        <EmptyState pauseAfterMinutes={pauseAfterMinutes} />
      ) : (
        <ul aria-label={t("streaming.listLabel")} className="space-y-4">
          {destinations.map((destination) => (
            <li key={destination.id}>
              <DestinationItem
                destination={destination}
                onEdit={() => {
                  setMessage(null);
                  setEditing(destination);
                }}
                onDelete={() => {
                  setMessage(null);
                  setDeleting(destination);
                }}
              />
            </li>
          ))}
        </ul>
      )}
      {editing && (
        <EditDestinationDialog
          destination={editing}
          allowLoopbackHttp={allowLoopbackHttp}
          focusAfterSave={status}
          onClose={() => setEditing(null)}
          onSaved={changed}
        />
      )}
      {deleting && (
        <DeleteDestinationDialog destination={deleting} focusAfterDelete={status} onClose={() => setDeleting(null)} onDeleted={changed} />
      )}
    </div>
  );
}

function EmptyState({ pauseAfterMinutes }: { pauseAfterMinutes: number }) {
  const t = useTranslations("admin");
  const code = (chunks: ReactNode) => <code className="font-mono text-xs">{chunks}</code>;
  return (
    <section
      aria-labelledby="streaming-empty-heading"
      className="rounded-xl bg-surface px-6 py-8 text-sm text-slate-700 ring-1 ring-slate-200"
    >
      <h2 id="streaming-empty-heading" className="text-base font-semibold text-slate-900">
        {t("streaming.empty.heading")}
      </h2>
      <div className="mt-3 max-w-3xl space-y-3">
        <p>{t.rich("streaming.empty.what", { code })}</p>
        <p>{t("streaming.empty.failing", { duration: formatMinutes(pauseAfterMinutes, t) })}</p>
        <p>{t.rich("streaming.empty.guide", { code })}</p>
      </div>
    </section>
  );
}

/** "a day", "3 hours", "90 minutes": the largest whole unit. */
function formatMinutes(minutes: number, t: Translate<"admin">): string {
  if (minutes % (24 * 60) === 0) return t("streaming.empty.days", { count: minutes / (24 * 60) });
  if (minutes % 60 === 0) return t("streaming.empty.hours", { count: minutes / 60 });
  return t("streaming.empty.minutes", { count: minutes });
}
