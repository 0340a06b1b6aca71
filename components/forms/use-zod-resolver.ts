"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTranslations } from "next-intl";
import { useMemo } from "react";
import type { FieldErrors, FieldValues, Resolver } from "react-hook-form";
import type { z } from "zod";
import { issueText } from "@/i18n/issues";
import type { Translate } from "@/i18n/translate";

type Schema = z.ZodType<FieldValues, FieldValues>;

/**
 * The schema a form validates with, or, for a form on screen at first paint, a function that
 * imports it (`() => import("@/shared/auth").then((m) => m.signInSchema)`, defined once outside the
 * component): zod then downloads with the form's first check, or on focus (`preloadSchema`),
 * instead of with the page.
 */
export type SchemaSource = Schema | (() => Promise<Schema>);

/**
 * zodResolver in the reader's words: the shared schemas' messages are validation keys
 * (i18n/issues.ts), turned into words here before a field shows them, as the server does for the
 * field errors it sends back. Every react-hook-form form validates through this.
 */
export function useZodResolver<Values extends FieldValues>(source: SchemaSource): Resolver<Values> {
  const t = useTranslations("validation");
  return useMemo(() => {
    const resolver: Resolver<Values> = async (...args) => {
      const schema = await schemaOf(source);
      // The server parses every submission again with the same schema: without the download, it alone checks.
      if (!schema) return { values: args[0], errors: {} };
      const result = await (zodResolver(schema) as unknown as Resolver<Values>)(...args);
      return Object.keys(result.errors).length ? { values: {}, errors: inWords(result.errors, t) as FieldErrors<Values> } : result;
    };
    return resolver;
  }, [source, t]);
}

/** Starts downloading a form's schema (on focus in the form), so its first check does not wait for it. */
export function preloadSchema(source: SchemaSource): void {
  void schemaOf(source);
}

async function schemaOf(source: SchemaSource): Promise<Schema | null> {
  if (typeof source !== "function") return source;
  return source().catch(() => null);
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
