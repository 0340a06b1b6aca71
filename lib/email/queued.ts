import "server-only";
import { z } from "zod";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/i18n/locales";
import type { OutgoingEmail } from "@/lib/email/send";
import { emailChangedMessage, emailChangedSubject } from "@/lib/email/templates/email-change";
import type { EmailMessageContent } from "@/lib/email/templates/layout";
import { passwordWasResetMessage, passwordWasResetSubject } from "@/lib/email/templates/password-reset";
import {
  legacySecurityNoticeDataSchema,
  securityNoticeDataSchema,
  securityNoticeMessage,
  securityNoticeSubject,
} from "@/lib/email/templates/security-notice";

const meta = z.object({ ip: z.string().nullable(), userAgent: z.string().nullable() });

// What the outbox stores per template: keys and values, never words, so the email is put into
// words when it is delivered, in the row's locale. `at` is not stored: it is the row's created_at,
// the moment of the change. Validated on the way out, because the row outlives the code that wrote it.
const securityNotice = z.object({ template: z.literal("securityNotice"), data: securityNoticeDataSchema });
const emailChanged = z.object({
  template: z.literal("emailChanged"),
  data: z.object({ maskedNewEmail: z.string(), reportToken: z.string(), meta }),
});
const passwordWasReset = z.object({
  template: z.literal("passwordWasReset"),
  data: z.object({ reportToken: z.string(), holdUntil: z.string().nullable(), meta }),
});

const storedEmailSchema = z.discriminatedUnion("template", [
  // A notice queued before notices were stored as keys keeps its English words.
  securityNotice.extend({ data: z.union([securityNoticeDataSchema, legacySecurityNoticeDataSchema]) }),
  emailChanged,
  passwordWasReset,
  // Finished content queued before notices were rendered at delivery (see its migration).
  z.object({ template: z.literal("rendered"), data: z.object({ text: z.string(), html: z.string() }) }),
]);

type StoredEmail = Exclude<z.infer<typeof storedEmailSchema>, { template: "rendered" }>;

/** What is queued now: a template and its data. */
export type QueuedEmail = z.infer<typeof securityNotice> | z.infer<typeof emailChanged> | z.infer<typeof passwordWasReset>;

/** The subject alone, in `locale`: the outbox keeps it beside the data. */
export function queuedEmailSubject(email: QueuedEmail, locale: Locale): string {
  switch (email.template) {
    case "securityNotice":
      return securityNoticeSubject(email.data, locale);
    case "emailChanged":
      return emailChangedSubject(locale);
    case "passwordWasReset":
      return passwordWasResetSubject(locale);
  }
}

/** The email for a template and its data, as of `at`, in `locale`. */
function queuedEmailMessage(email: StoredEmail, at: Date, locale: Locale): EmailMessageContent {
  switch (email.template) {
    case "securityNotice":
      return securityNoticeMessage({ ...email.data, at, locale });
    case "emailChanged":
      return emailChangedMessage({ ...email.data, at, locale });
    case "passwordWasReset":
      return passwordWasResetMessage({ ...email.data, at, locale });
  }
}

/** The email a queued row stands for; null when the row's data does not fit its template. */
export function queuedEmailContent(row: {
  template: string;
  data: unknown;
  subject: string;
  locale: string;
  createdAt: Date;
}): Omit<OutgoingEmail, "to" | "idempotencyKey"> | null {
  const parsed = storedEmailSchema.safeParse({ template: row.template, data: row.data });
  if (!parsed.success) return null;
  const email = parsed.data;
  if (email.template === "rendered") return { subject: row.subject, ...email.data };
  return queuedEmailMessage(email, row.createdAt, isLocale(row.locale) ? row.locale : DEFAULT_LOCALE);
}
