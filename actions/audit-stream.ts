"use server";

import { requestTranslator } from "@/i18n/translator";
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
      message: (await requestTranslator("actions"))("streaming.added", { name: destination.name }),
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
    return { ok: true, message: (await requestTranslator("actions"))("streaming.saved", { name: destination.name }) };
  },
  STREAMING_PAGE,
);

export const pauseStreamDestinationAction = adminAction(
  "admin.streaming",
  streamDestinationIdSchema,
  async (input, context) => {
    const destination = await pauseStreamDestination(context, input);
    return { ok: true, message: (await requestTranslator("actions"))("streaming.paused", { name: destination.name }) };
  },
  STREAMING_PAGE,
);

export const resumeStreamDestinationAction = adminAction(
  "admin.streaming",
  streamDestinationIdSchema,
  async (input, context) => {
    const destination = await resumeStreamDestination(context, input);
    return { ok: true, message: (await requestTranslator("actions"))("streaming.resumed", { name: destination.name }) };
  },
  STREAMING_PAGE,
);

export const deleteStreamDestinationAction = adminAction(
  "admin.streaming",
  streamDestinationIdSchema,
  async (input, context) => {
    await deleteStreamDestination(context, input);
    return { ok: true, message: (await requestTranslator("actions"))("streaming.deleted") };
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
    const t = await requestTranslator("actions");
    const message = data.delivered
      ? t("streaming.testDelivered", { status: String(data.status) })
      : data.error
        ? t("streaming.testFailed", { error: data.error })
        : data.status
          ? t("streaming.testRefused", { status: String(data.status) })
          : t("streaming.testNoAnswer");
    return { ok: true, message, data };
  },
  STREAMING_PAGE,
);
