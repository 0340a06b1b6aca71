import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";

/** An admin page's result table, or the sentence saying the filters match nothing. */
export function AdminTable({
  caption,
  headings,
  actionsColumn = false,
  empty,
  children,
}: {
  caption: string;
  headings: string[];
  /** A last, unlabelled column of buttons (its header is for screen readers only). */
  actionsColumn?: boolean;
  /** Shown instead of the table when there are no rows; null shows the table. */
  empty: ReactNode | null;
  children: ReactNode;
}) {
  const t = useTranslations("admin");
  if (empty !== null)
    return <p className="rounded-xl bg-surface px-6 py-8 text-center text-sm text-slate-600 ring-1 ring-slate-200">{empty}</p>;
  // `relative`: the screen-reader-only header is absolutely placed, and must scroll with the table rather than widen the page.
  return (
    // A region that scrolls sideways on a phone: focusable, so a keyboard can scroll it too.
    <div
      role="region"
      aria-label={caption}
      tabIndex={0}
      className="relative overflow-x-auto rounded-xl bg-surface shadow-sm ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600">
          <tr>
            {headings.map((heading) => (
              <th key={heading} scope="col" className="px-3 py-2 font-medium whitespace-nowrap">
                {heading}
              </th>
            ))}
            {actionsColumn && (
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">{t("table.actions")}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

const PAGER_LINK = "font-medium text-indigo-700 hover:underline";

/** Paging under a result table: back to the first page (when not on it), and on to the next (when there is one). */
export function Pager({ first, next }: { first: { href: string; label: string } | null; next: { href: string; label: string } | null }) {
  const t = useTranslations("admin");
  return (
    <nav aria-label={t("pager.label")} className="flex items-center justify-between text-sm">
      {first ? (
        <Link href={first.href} className={PAGER_LINK}>
          {first.label}
        </Link>
      ) : (
        <span />
      )}
      {next && (
        <Link href={next.href} className={PAGER_LINK}>
          {next.label}
        </Link>
      )}
    </nav>
  );
}
