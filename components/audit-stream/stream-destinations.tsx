"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { AddDestinationDialog } from "@/components/audit-stream/add-destination-dialog";
import { DeleteDestinationDialog } from "@/components/audit-stream/delete-destination-dialog";
import { DestinationItem } from "@/components/audit-stream/destination-item";
import { EditDestinationDialog } from "@/components/audit-stream/edit-destination-dialog";
import { LiveMessage } from "@/components/ui/notice";
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
        <p className="max-w-2xl text-sm text-slate-600">
          {destinations.length === 0
            ? "Nothing is streamed yet."
            : `${destinations.length} ${destinations.length === 1 ? "destination receives" : "destinations receive"} the audit log.`}
        </p>
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
        <ul aria-label="Stream destinations" className="space-y-4">
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
  return (
    <section
      aria-labelledby="streaming-empty-heading"
      className="rounded-xl bg-surface px-6 py-8 text-sm text-slate-700 ring-1 ring-slate-200"
    >
      <h2 id="streaming-empty-heading" className="text-base font-semibold text-slate-900">
        No stream destinations yet
      </h2>
      <div className="mt-3 max-w-3xl space-y-3">
        <p>
          Streaming pushes every audit event — sign-ins, step-ups, token and account changes, every admin action — to an HTTPS endpoint of
          yours, such as your SIEM&apos;s webhook collector, as it is recorded. Events go out in batches of JSON lines, in order and at
          least once (de-duplicate on <code className="font-mono text-xs">event.id</code>), each request signed with the destination&apos;s
          own secret (Standard Webhooks).
        </p>
        <p>
          A receiver that is down is retried with backoff; one that keeps failing for {formatMinutes(pauseAfterMinutes)} is paused and the
          admins are emailed. Nothing is lost meanwhile: the destination catches up from where it stopped once it is resumed.
        </p>
        <p>
          How to verify the signatures and what each event holds: the &ldquo;Audit streaming&rdquo; guide in the documentation,{" "}
          <code className="font-mono text-xs">docs/streaming.md</code>.
        </p>
      </div>
    </section>
  );
}

function formatMinutes(minutes: number): string {
  if (minutes % (24 * 60) === 0) {
    const days = minutes / (24 * 60);
    return days === 1 ? "a day" : `${days} days`;
  }
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return hours === 1 ? "an hour" : `${hours} hours`;
  }
  return minutes === 1 ? "a minute" : `${minutes} minutes`;
}
