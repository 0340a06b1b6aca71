import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { AuditFeedEvent } from "@/shared/audit-feed";

/** One request as the receiver saw it, and what it answered (null: held open, never answered). */
export type ReceivedBatch = {
  headers: IncomingHttpHeaders;
  body: string;
  events: AuditFeedEvent[];
  status: number | null;
  at: number;
  /** Whether its signature verified on arrival, once the receiver was given the secret (`verifyWith`); null before. */
  verified: boolean | null;
};

/** What the receiver does with the n-th request (0-based): answer with a status, or hold it open. */
export type Answer = (index: number, batch: ReceivedBatch) => number | "hold";

export type StreamReceiver = {
  url: string;
  received: ReceivedBatch[];
  /** The requests answered 2xx: what the destination accepted. */
  accepted: () => ReceivedBatch[];
  /** Event ids in arrival order, across accepted requests. */
  acceptedIds: () => string[];
  setAnswer: (answer: Answer) => void;
  /** Verifies every request under `secret` as it arrives (and those that came before), as a receiver would. */
  verifyWith: (secret: string) => void;
  /** Resolves when a request is being held open. */
  holding: () => Promise<ReceivedBatch>;
  close: () => Promise<void>;
};

/** A stand-in SIEM on 127.0.0.1 (a random port): collects every request; answers 200 unless told otherwise. */
export async function startStreamReceiver(answer: Answer = () => 200): Promise<StreamReceiver> {
  const received: ReceivedBatch[] = [];
  const held = new Set<ServerResponse>();
  let current = answer;
  let onHold: ((batch: ReceivedBatch) => void) | null = null;
  let heldBatch: ReceivedBatch | null = null;
  let secret: string | null = null;
  // Checked at once: the signature's timestamp is only accepted for five minutes.
  const check = (batch: ReceivedBatch) => {
    if (secret === null) return;
    try {
      verifyBatch(secret, batch);
      batch.verified = true;
    } catch {
      batch.verified = false;
    }
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const events = body
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditFeedEvent);
      const batch: ReceivedBatch = { headers: request.headers, body, events, status: null, at: Date.now(), verified: null };
      received.push(batch);
      check(batch);
      const decision = current(received.length - 1, batch);
      if (decision === "hold") {
        held.add(response);
        heldBatch = batch;
        onHold?.(batch);
        return;
      }
      batch.status = decision;
      response.writeHead(decision, decision >= 300 && decision < 400 ? { location: "http://127.0.0.1:9/elsewhere" } : {});
      response.end(decision >= 400 ? "secret-looking receiver body that must never be stored" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const accepted = () => received.filter((batch) => batch.status !== null && batch.status >= 200 && batch.status < 300);
  return {
    url: `http://127.0.0.1:${port}/ingest/audit`,
    received,
    accepted,
    acceptedIds: () => accepted().flatMap((batch) => batch.events.map((event) => event.event.id)),
    setAnswer: (next) => {
      current = next;
    },
    verifyWith: (next) => {
      secret = next;
      for (const batch of received) check(batch);
    },
    holding: () =>
      heldBatch
        ? Promise.resolve(heldBatch)
        : new Promise((resolve) => {
            onHold = resolve;
          }),
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The batch's payload if its Standard Webhooks signature verifies under `secret`; throws otherwise. */
export function verifyBatch(secret: string, batch: Pick<ReceivedBatch, "headers" | "body">): unknown {
  const headers = Object.fromEntries(
    ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, String(batch.headers[name] ?? "")]),
  );
  return new Webhook(secret).verify(batch.body, headers, { jsonParse: false });
}
