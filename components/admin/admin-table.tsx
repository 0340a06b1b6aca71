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
  /** Shown instead of the table when there are no rows. */
  empty: string | null;
  children: ReactNode;
}) {
  if (empty !== null)
    return <p className="rounded-xl bg-surface px-6 py-8 text-center text-sm text-slate-600 ring-1 ring-slate-200">{empty}</p>;
  return (
    <div className="overflow-x-auto rounded-xl bg-surface shadow-sm ring-1 ring-slate-200">
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
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}
