import "server-only";
import { z } from "zod";
import { CATALOGS, type Messages } from "@/i18n/catalogs";
import type { Locale } from "@/i18n/locales";
import { describeAction } from "@/lib/email/describe-action";
import { getEnv } from "@/lib/env";
import type { RequestMeta } from "@/lib/http/request-meta";
import {
  appLink,
  deviceName,
  EmailLayout,
  EmailLink,
  emailWords,
  Facts,
  factsText,
  Note,
  origin,
  Paragraph,
  plainText,
  utcTime,
  type EmailMessageContent,
  type EmailWords,
} from "./layout";

type Catalog = Messages["emails"];
/** Which notice: its subject (`notices.titles`) and first paragraph (`notices.summaries`). */
export type NoticeKey = keyof Catalog["notices"]["titles"];
export type FactLabel = keyof Catalog["facts"];
export type ClosingKey = keyof Catalog["notices"]["closings"];
export type LinkLabel = keyof Catalog["links"];

function keysOf<T extends object>(tree: T): [keyof T & string, ...(keyof T & string)[]] {
  return Object.keys(tree) as [keyof T & string, ...(keyof T & string)[]];
}

const english = CATALOGS.en.emails;

/**
 * A value a notice is put into words with, when it is delivered and in its reader's language:
 * text and numbers as they are; null for "unknown"; a moment (ISO), in the reader's format in UTC;
 * a user agent, as "Chrome 130 on Linux"; what a proof was spent on ("sign in", or a step-up
 * challenge's description).
 */
const noticeValueSchema = z.union([
  z.string(),
  z.number(),
  z.null(),
  z.object({ date: z.iso.datetime() }),
  z.object({ device: z.string().nullable() }),
  z.object({ action: z.string() }),
]);
export type NoticeValue = z.infer<typeof noticeValueSchema>;

const meta = z.object({ ip: z.string().nullable(), userAgent: z.string().nullable() });

/** What the outbox keeps of a notice: catalog keys and values, no words. */
export const securityNoticeDataSchema = z.object({
  notice: z.enum(keysOf(english.notices.titles)),
  values: z.record(z.string(), noticeValueSchema),
  /** In order: label, value. */
  facts: z.array(z.tuple([z.enum(keysOf(english.facts)), noticeValueSchema])),
  closing: z.enum(keysOf(english.notices.closings)).optional(),
  link: z.object({ label: z.enum(keysOf(english.links)), href: z.string() }).optional(),
  meta,
});
export type SecurityNoticeData = z.infer<typeof securityNoticeDataSchema>;

/** A notice queued before notices were stored as keys: its words, in English, as they were written. */
export const legacySecurityNoticeDataSchema = z.object({
  title: z.string(),
  summary: z.string(),
  facts: z.record(z.string(), z.string()),
  closing: z.string().optional(),
  link: z.object({ label: z.string(), href: z.string() }).optional(),
  meta,
});
type LegacySecurityNoticeData = z.infer<typeof legacySecurityNoticeDataSchema>;

type Words = { title: string; summary: string; facts: [string, string][]; closing?: string; link?: { label: string; href: string } };

function valueText(words: EmailWords, value: NoticeValue): string | number {
  if (value === null) return words.common("unknown");
  if (typeof value !== "object") return value;
  if ("date" in value) return utcTime(words, new Date(value.date));
  if ("device" in value) return deviceName(words, value.device);
  return describeAction(words, value.action);
}

function valuesText(words: EmailWords, data: SecurityNoticeData): Record<string, string | number> {
  return Object.fromEntries(Object.entries(data.values).map(([name, value]) => [name, valueText(words, value)]));
}

function putIntoWords(words: EmailWords, data: SecurityNoticeData | LegacySecurityNoticeData): Words {
  if (!("notice" in data)) return { ...data, facts: Object.entries(data.facts) };
  const { t } = words;
  const values = valuesText(words, data);
  return {
    title: t(`notices.titles.${data.notice}`, values),
    summary: t(`notices.summaries.${data.notice}`, values),
    facts: data.facts.map(([label, value]) => [t(`facts.${label}`, values), String(valueText(words, value))]),
    ...(data.closing && { closing: t(`notices.closings.${data.closing}`, values) }),
    ...(data.link && { link: { label: t(`links.${data.link.label}`), href: data.link.href } }),
  };
}

/** The subject alone, in `locale` (the outbox keeps it beside the data). */
export function securityNoticeSubject(data: SecurityNoticeData, locale: Locale): string {
  const words = emailWords(locale);
  return words.t(`notices.titles.${data.notice}`, valuesText(words, data));
}

/** The notice sent after every security change, so the owner hears of it even if they didn't do it. */
export function securityNoticeMessage(
  input: (SecurityNoticeData | LegacySecurityNoticeData) & { at: Date; meta: RequestMeta; locale: Locale },
): EmailMessageContent {
  const { APP_URL } = getEnv();
  const words = emailWords(input.locale);
  const { t } = words;
  const notice = putIntoWords(words, input);
  const securityUrl = appLink(APP_URL, "/settings/security");
  const facts: [string, string][] = [...notice.facts, [t("facts.when"), utcTime(words, input.at)]];
  // Scheduled notices (token expiry) come from no request.
  if (input.meta.ip || input.meta.userAgent) facts.push([t("facts.from"), origin(words, input.meta)]);
  const review = t("securityNotice.review");
  const { closing, link } = notice;

  return {
    subject: notice.title,
    react: (
      <EmailLayout words={words} preview={notice.summary} heading={notice.title} appUrl={APP_URL}>
        <Paragraph>{notice.summary}</Paragraph>
        <Facts facts={facts} />
        {closing ? (
          <Paragraph>
            {closing}
            {link && (
              <>
                {" "}
                <EmailLink href={link.href}>{link.label}</EmailLink>
              </>
            )}
          </Paragraph>
        ) : (
          <Paragraph>
            {review} <EmailLink href={securityUrl}>{securityUrl}</EmailLink>
          </Paragraph>
        )}
        <Note>{t("securityNotice.everyChange")}</Note>
      </EmailLayout>
    ),
    text: plainText({
      words,
      heading: notice.title,
      paragraphs: [
        notice.summary,
        factsText(facts),
        closing ? [closing, link && `${link.label}: ${link.href}`].filter(Boolean).join("\n") : `${review} ${securityUrl}`,
      ],
      appUrl: APP_URL,
    }),
  };
}
