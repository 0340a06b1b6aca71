import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";

const FIELD =
  "mt-1.5 block w-full rounded-md border-0 bg-surface px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none";

/**
 * An admin page's filters: a plain GET form, so a filter lives in the URL (views are shareable
 * and the back button works), with Apply (submits) and Clear (back to no filter).
 */
export function FilterForm({
  action,
  label,
  className,
  actionsClassName,
  children,
}: {
  action: string;
  label: string;
  className: string;
  actionsClassName: string;
  children: ReactNode;
}) {
  const t = useTranslations("admin");
  return (
    <form
      method="get"
      action={action}
      role="search"
      aria-label={label}
      className={`grid gap-4 rounded-xl bg-surface p-5 shadow-sm ring-1 ring-slate-200 ${className}`}
    >
      {children}
      <div className={`flex items-center gap-3 ${actionsClassName}`}>
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          {t("filters.apply")}
        </button>
        <Link href={action} className="text-sm font-medium text-slate-700 hover:underline">
          {t("filters.clear")}
        </Link>
      </div>
    </form>
  );
}

type FilterProps = { name: string; label: string; value: string | undefined; className?: string };

function Filter({ name, label, className, children }: Omit<FilterProps, "value"> & { children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={`filter-${name}`} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A prefix of an email address. */
export function EmailFilter({ value, ...filter }: FilterProps) {
  return (
    <Filter {...filter}>
      <input
        id={`filter-${filter.name}`}
        name={filter.name}
        type="search"
        defaultValue={value ?? ""}
        autoComplete="off"
        spellCheck={false}
        maxLength={254}
        className={FIELD}
      />
    </Filter>
  );
}

/** One of `options` ([value, label]); the empty value, labelled `anyLabel`, filters nothing. */
export function SelectFilter({
  value,
  anyLabel,
  options,
  ...filter
}: FilterProps & { anyLabel: string; options: readonly (readonly [string, string])[] }) {
  return (
    <Filter {...filter}>
      <select id={`filter-${filter.name}`} name={filter.name} defaultValue={value ?? ""} className={FIELD}>
        <option value="">{anyLabel}</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </Filter>
  );
}

export function DateFilter({ value, ...filter }: FilterProps) {
  return (
    <Filter {...filter}>
      <input id={`filter-${filter.name}`} name={filter.name} type="date" defaultValue={value ?? ""} className={FIELD} />
    </Filter>
  );
}
