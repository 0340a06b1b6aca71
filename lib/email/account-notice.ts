import "server-only";
import type { Locale } from "@/i18n/locales";
import type { Tx } from "@/lib/db";
import { enqueueEmail, type RecipientLocale } from "@/lib/email/outbox";
import type { ClosingKey, FactLabel, LinkLabel, NoticeKey, NoticeValue, SecurityNoticeData } from "@/lib/email/templates/security-notice";
import type { RequestMeta } from "@/lib/http/request-meta";

/**
 * A security notice as its caller says it: catalog keys and the values they need (messages/<locale>/
 * emails.json, `notices`), put into words when it is delivered, in the recipient's language.
 */
export type SecurityNotice = {
  /** The subject and heading (`notices.titles`) and the first paragraph (`notices.summaries`). */
  notice: NoticeKey;
  /** The arguments of the title, summary, fact labels and closing. */
  values?: Record<string, NoticeValue>;
  /** Label/value rows, in this order, before "When" and "From". */
  facts?: Partial<Record<FactLabel, NoticeValue>>;
  /** Instead of "review your security settings", e.g. when the account can no longer be signed in to. */
  closing?: ClosingKey;
  /** A button after the closing line, e.g. "Secure my account". */
  link?: { label: LinkLabel; href: string };
};

/**
 * A security notice to `to`, queued in the transaction of the change it announces, in the
 * recipient's language (see RecipientLocale: by default the account's at `to`).
 */
export function queueSecurityNotice(tx: Tx, to: string, meta: RequestMeta, notice: SecurityNotice, recipient?: RecipientLocale) {
  return enqueueEmail(tx, to, { template: "securityNotice", data: securityNoticeData(notice, meta) }, recipient);
}

/** What the outbox keeps of a notice. */
export function securityNoticeData(notice: SecurityNotice, meta: RequestMeta): SecurityNoticeData {
  const facts = Object.entries(notice.facts ?? {}).flatMap(([label, value]) =>
    value === undefined ? [] : [[label as FactLabel, value] satisfies [FactLabel, NoticeValue]],
  );
  return {
    notice: notice.notice,
    values: notice.values ?? {},
    facts,
    ...(notice.closing && { closing: notice.closing }),
    ...(notice.link && { link: notice.link }),
    // Only what the email shows: a sign-in's meta also carries the browser's device id.
    meta: { ip: meta.ip, userAgent: meta.userAgent },
  };
}

/**
 * The notice after a change to the signed-in user's account, in their language; or to `to` (e.g. a
 * token's owner), in the language of `recipient`, else of the account at `to`.
 */
export function notifyAccountChange(
  tx: Tx,
  context: { session: { user: { email: string }; locale: Locale | null }; meta: RequestMeta },
  { to, recipient, ...notice }: SecurityNotice & { to?: string; recipient?: RecipientLocale },
) {
  if (to === undefined)
    return queueSecurityNotice(tx, context.session.user.email, context.meta, notice, { locale: context.session.locale });
  return queueSecurityNotice(tx, to, context.meta, notice, recipient);
}
