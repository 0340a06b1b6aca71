"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import type { FieldErrors, FieldValues, Resolver, UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { TextField } from "@/components/forms/text-field";
import { issueText } from "@/i18n/issues";
import type { Translate } from "@/i18n/translate";
import { STREAM_BATCH_SIZE } from "@/shared/audit-stream";

/**
 * What the add and edit forms hold (adding asks where to start, editing knows which destination).
 * The batch size is the field's text, turned into a number before the schema reads it.
 */
export type DestinationFormValues = { destinationId: string; name: string; url: string; batchSize: string; start: "new" | "all" };
const FIELDS = ["destinationId", "name", "url", "batchSize", "start"] as const satisfies readonly (keyof DestinationFormValues)[];

/** Name, URL and batch size: the same fields, with the same words, when adding and when editing. */
export function DestinationFields({
  form,
  allowLoopbackHttp,
}: {
  form: UseFormReturn<DestinationFormValues>;
  /** Development only: http:// to this machine is accepted, for a receiver running beside the app. */
  allowLoopbackHttp: boolean;
}) {
  const t = useTranslations("admin");
  return (
    <>
      <TextField
        form={form}
        name="name"
        label={t("streaming.fields.name")}
        placeholder={t("streaming.fields.namePlaceholder")}
        autoComplete="off"
        description={t("streaming.fields.nameDescription")}
      />
      <TextField
        form={form}
        name="url"
        label={t("streaming.fields.url")}
        type="url"
        inputMode="url"
        placeholder="https://siem.example.com/ingest/audit"
        autoComplete="off"
        spellCheck={false}
        description={allowLoopbackHttp ? t("streaming.fields.urlDescriptionDevelopment") : t("streaming.fields.urlDescription")}
      />
      <TextField
        form={form}
        name="batchSize"
        label={t("streaming.fields.batchSize")}
        type="number"
        inputMode="numeric"
        min={STREAM_BATCH_SIZE.min}
        max={STREAM_BATCH_SIZE.max}
        step={1}
        className="sm:max-w-[10rem]"
        description={t("streaming.fields.batchSizeDescription", { min: STREAM_BATCH_SIZE.min, max: STREAM_BATCH_SIZE.max })}
      />
    </>
  );
}

/** The form's text back as the number the schema takes ("" stays unparseable, so it is an error rather than a default). */
function toBatchSize(value: string | number): number {
  if (typeof value === "number") return value;
  return value.trim() === "" ? Number.NaN : Number(value);
}

/**
 * The shared schema, reading the batch size field as a number first (the field itself holds text).
 * Its messages are validation keys (i18n/issues.ts), put into the reader's words before a field shows them.
 */
export function destinationResolver(schema: z.ZodType, tv: Translate<"validation">): Resolver<DestinationFormValues> {
  const resolve = zodResolver(schema as z.ZodType<FieldValues, FieldValues>) as unknown as Resolver<DestinationFormValues>;
  return async (values, context, options) => {
    const result = await resolve(
      { ...values, batchSize: toBatchSize(values.batchSize) } as unknown as DestinationFormValues,
      context,
      options,
    );
    const errors: FieldErrors<DestinationFormValues> = {};
    for (const name of FIELDS) {
      const error = result.errors[name];
      if (error) errors[name] = { ...error, message: typeof error.message === "string" ? issueText(tv, error.message) : undefined };
    }
    return Object.keys(errors).length ? { values: {}, errors } : result;
  };
}
