"use server";

import {
  addStreamDestination,
  deleteStreamDestination,
  pauseStreamDestination,
  resumeStreamDestination,
  sendStreamTestEvent,
  updateStreamDestination,
} from "@/lib/audit-stream/destinations";
import { adminAction } from "@/lib/http/action";
import {
  addStreamDestinationSchema,
  streamDestinationIdSchema,
  updateStreamDestinationSchema,
  type StreamDestinationDto,
} from "@/shared/audit-stream";

// The list shows what every one of these changes.
const STREAMING_PAGE = { revalidate: ["/admin/streaming"] };

/** The new destination, and its signing secret: returned this once, never again. */
export type AddedStreamDestination = { destination: StreamDestinationDto; secret: string };

/** What the test event's delivery came to: the receiver's HTTP status, or why it was not accepted. */
type StreamTestResult = { delivered: boolean; status: number | null; error: string | null };

export const addStreamDestinationAction = adminAction(
  "admin.streaming",
  addStreamDestinationSchema,
  async (input, context) => {
    const { destination, secret } = await addStreamDestination(context, input);
    return {
      ok: true,
      message: `Destination "${destination.name}" added.`,
      data: { destination, secret } satisfies AddedStreamDestination,
    };
  },
  STREAMING_PAGE,
);

export const updateStreamDestinationAction = adminAction(
  "admin.streaming",
  updateStreamDestinationSchema,
  async (input, context) => {
    const destination = await updateStreamDestination(context, input);
    return { ok: true, message: `Destination "${destination.name}" saved.` };
  },
  STREAMING_PAGE,
);

export const pauseStreamDestinationAction = adminAction(
  "admin.streaming",
  streamDestinationIdSchema,
  async (input, context) => {
    const destination = await pauseStreamDestination(context, input);
    return {
      ok: true,
      message: `"${destination.name}" is paused. New events wait in the audit log and are sent, in order, once it is resumed.`,
    };
  },
  STREAMING_PAGE,
);

export const resumeStreamDestinationAction = adminAction(
  "admin.streaming",
  streamDestinationIdSchema,
  async (input, context) => {
    const destination = await resumeStreamDestination(context, input);
    return { ok: true, message: `"${destination.name}" is resumed. Delivery picks up with the oldest event it has not yet accepted.` };
  },
  STREAMING_PAGE,
);

export const deleteStreamDestinationAction = adminAction(
  "admin.streaming",
  streamDestinationIdSchema,
  async (input, context) => {
    await deleteStreamDestination(context, input);
    return { ok: true, message: "Destination deleted. Nothing more is sent to it, and its secret no longer signs anything." };
  },
  STREAMING_PAGE,
);

/** Not a change (no step-up): one signed test event, sent now, and what the receiver answered. */
export const sendStreamTestEventAction = adminAction(
  "admin.streaming",
  streamDestinationIdSchema,
  async (input, context) => {
    const result = await sendStreamTestEvent(context, input);
    const data: StreamTestResult = { delivered: result.ok, status: result.status ?? null, error: result.error ?? null };
    return {
      ok: true,
      message: data.delivered
        ? `Test event delivered: the receiver answered HTTP ${data.status}.`
        : `The test event was not delivered: ${data.error ?? (data.status ? `the receiver answered HTTP ${data.status}` : "no answer")}.`,
      data,
    };
  },
  STREAMING_PAGE,
);
