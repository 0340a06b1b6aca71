import "server-only";
import type { Tx } from "@/lib/db";
import { enqueueEmail } from "@/lib/email/outbox";
import type { RequestMeta } from "@/lib/http/request-meta";

export type SecurityNotice = {
  title: string;
  summary: string;
  facts?: Record<string, string>;
  closing?: string;
  /** A button under the closing line, e.g. "Secure my account". */
  link?: { label: string; href: string };
};

/** A security notice to `to`, queued in the transaction of the change it announces. */
export function queueSecurityNotice(tx: Tx, to: string, meta: RequestMeta, notice: SecurityNotice) {
  return enqueueEmail(tx, to, {
    template: "securityNotice",
    data: {
      title: notice.title,
      summary: notice.summary,
      facts: notice.facts ?? {},
      ...(notice.closing && { closing: notice.closing }),
      ...(notice.link && { link: notice.link }),
      // Only what the email shows: a sign-in's meta also carries the browser's device id.
      meta: { ip: meta.ip, userAgent: meta.userAgent },
    },
  });
}

/** The notice after a change to the signed-in user's account (or to `to`, e.g. a token's owner). */
export function notifyAccountChange(
  tx: Tx,
  context: { session: { user: { email: string } }; meta: RequestMeta },
  notice: SecurityNotice & { to?: string },
) {
  return queueSecurityNotice(tx, notice.to ?? context.session.user.email, context.meta, notice);
}
