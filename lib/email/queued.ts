import "server-only";
import { z } from "zod";
import type { OutgoingEmail } from "@/lib/email/send";
import { emailChangedMessage } from "@/lib/email/templates/email-change";
import type { EmailMessageContent } from "@/lib/email/templates/layout";
import { passwordWasResetMessage } from "@/lib/email/templates/password-reset";
import { securityNoticeMessage } from "@/lib/email/templates/security-notice";

const meta = z.object({ ip: z.string().nullable(), userAgent: z.string().nullable() });

// What the outbox stores per template. `at` is not stored: it is the row's created_at, the
// moment of the change. Validated on the way out, because the row outlives the code that wrote it.
const queuedEmailSchema = z.discriminatedUnion("template", [
  z.object({
    template: z.literal("securityNotice"),
    data: z.object({
      title: z.string(),
      summary: z.string(),
      facts: z.record(z.string(), z.string()),
      closing: z.string().optional(),
      link: z.object({ label: z.string(), href: z.string() }).optional(),
      meta,
    }),
  }),
  z.object({
    template: z.literal("emailChanged"),
    data: z.object({ maskedNewEmail: z.string(), reportToken: z.string(), meta }),
  }),
  z.object({
    template: z.literal("passwordWasReset"),
    data: z.object({ reportToken: z.string(), holdUntil: z.string().nullable(), meta }),
  }),
  // Finished content queued before notices were rendered at delivery (see its migration).
  z.object({ template: z.literal("rendered"), data: z.object({ text: z.string(), html: z.string() }) }),
]);

export type QueuedEmail = Exclude<z.infer<typeof queuedEmailSchema>, { template: "rendered" }>;

/** The email for a template and its data, as of `at`. */
export function queuedEmailMessage(email: QueuedEmail, at: Date): EmailMessageContent {
  switch (email.template) {
    case "securityNotice":
      return securityNoticeMessage({ ...email.data, at });
    case "emailChanged":
      return emailChangedMessage({ ...email.data, at });
    case "passwordWasReset":
      return passwordWasResetMessage({ ...email.data, at });
  }
}

/** The email a queued row stands for; null when the row's data does not fit its template. */
export function queuedEmailContent(row: {
  template: string;
  data: unknown;
  subject: string;
  createdAt: Date;
}): Omit<OutgoingEmail, "to" | "idempotencyKey"> | null {
  const parsed = queuedEmailSchema.safeParse({ template: row.template, data: row.data });
  if (!parsed.success) return null;
  const email = parsed.data;
  return email.template === "rendered" ? { subject: row.subject, ...email.data } : queuedEmailMessage(email, row.createdAt);
}
