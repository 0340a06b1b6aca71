"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import type { FieldValues, Resolver, UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { TextField } from "@/components/forms/text-field";
import { STREAM_BATCH_SIZE } from "@/shared/audit-stream";

/**
 * What the add and edit forms hold (adding asks where to start, editing knows which destination).
 * The batch size is the field's text, turned into a number before the schema reads it.
 */
export type DestinationFormValues = { destinationId: string; name: string; url: string; batchSize: string; start: "new" | "all" };

/** Name, URL and batch size: the same fields, with the same words, when adding and when editing. */
export function DestinationFields({
  form,
  allowLoopbackHttp,
}: {
  form: UseFormReturn<DestinationFormValues>;
  /** Development only: http:// to this machine is accepted, for a receiver running beside the app. */
  allowLoopbackHttp: boolean;
}) {
  return (
    <>
      <TextField
        form={form}
        name="name"
        label="Name"
        placeholder="e.g. Splunk production"
        autoComplete="off"
        description="So you can tell destinations apart, e.g. in the emails sent when one stops accepting events."
      />
      <TextField
        form={form}
        name="url"
        label="Endpoint URL"
        type="url"
        inputMode="url"
        placeholder="https://siem.example.com/ingest/audit"
        autoComplete="off"
        spellCheck={false}
        description={
          allowLoopbackHttp
            ? "Must be https://. In development, http:// to 127.0.0.1 or localhost is accepted too."
            : "Must be https://. Each batch is POSTed here as JSON lines, signed with the destination's secret."
        }
      />
      <TextField
        form={form}
        name="batchSize"
        label="Batch size"
        type="number"
        inputMode="numeric"
        min={STREAM_BATCH_SIZE.min}
        max={STREAM_BATCH_SIZE.max}
        step={1}
        className="sm:max-w-[10rem]"
        description={`At most this many events per request, ${STREAM_BATCH_SIZE.min} to ${STREAM_BATCH_SIZE.max}.`}
      />
    </>
  );
}

/** The form's text back as the number the schema takes ("" stays unparseable, so it is an error rather than a default). */
function toBatchSize(value: string | number): number {
  if (typeof value === "number") return value;
  return value.trim() === "" ? Number.NaN : Number(value);
}

/** The shared schema, reading the batch size field as a number first (the field itself holds text). */
export function destinationResolver(schema: z.ZodType): Resolver<DestinationFormValues> {
  const resolve = zodResolver(schema as z.ZodType<FieldValues, FieldValues>) as unknown as Resolver<DestinationFormValues>;
  return (values, context, options) =>
    resolve({ ...values, batchSize: toBatchSize(values.batchSize) } as unknown as DestinationFormValues, context, options);
}
