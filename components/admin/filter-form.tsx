import Link from "next/link";

/** The admin pages' filter inputs and selects. */
export const FILTER_FIELD =
  "mt-1.5 block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/** Apply (submits the GET form, so the filter lands in the URL) and Clear (back to no filter). */
export function FilterActions({ clearHref, className = "" }: { clearHref: string; className?: string }) {
  return (
    <div className={`flex items-center gap-3 ${className}`}>
      <button
        type="submit"
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        Apply filters
      </button>
      <Link href={clearHref} className="text-sm font-medium text-slate-700 hover:underline">
        Clear
      </Link>
    </div>
  );
}
