"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import type { FieldErrors, FieldValues, Resolver } from "react-hook-form";
import type { z } from "zod";
import { issueText } from "@/i18n/issues";
import type { Translate } from "@/i18n/translate";

/**
 * zodResolver in the reader's words: the shared schemas' messages are validation keys
 * (i18n/issues.ts), turned into words here before a field shows them, as the server does for the
 * field errors it sends back. Every react-hook-form form validates through this.
 */
export function useZodResolver<Values extends FieldValues>(schema: z.ZodType<FieldValues, FieldValues>): Resolver<Values> {
  const t = useTranslations("validation");
  return useMemo(() => {
    const resolve = zodResolver(schema) as unknown as Resolver<Values>;
    const resolver: Resolver<Values> = async (...args) => {
      const result = await resolve(...args);
      return Object.keys(result.errors).length ? { values: {}, errors: inWords(result.errors, t) as FieldErrors<Values> } : result;
    };
    return resolver;
  }, [schema, t]);
}

/** The same errors with every `message`, at any depth (arrays, nested objects), in words. */
function inWords(node: unknown, t: Translate<"validation">): unknown {
  if (Array.isArray(node)) return node.map((item) => inWords(item, t));
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "message" && typeof value === "string" ? issueText(t, value) : key === "ref" ? value : inWords(value, t),
    ]),
  );
}
