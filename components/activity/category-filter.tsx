import { useTranslations } from "next-intl";
import Link from "next/link";
import { EVENT_CATEGORIES, type EventCategory } from "@/shared/audit-events";

const CATEGORIES = Object.keys(EVENT_CATEGORIES) as EventCategory[];

/** Links, not a form: each category is a URL, so the filter survives reloads and the back button. */
export function CategoryFilter({ current }: { current: EventCategory | undefined }) {
  const t = useTranslations("activity");
  const options: [EventCategory | undefined, string][] = [
    [undefined, t("filter.all")],
    ...CATEGORIES.map((category): [EventCategory, string] => [category, t(`categories.${category}`)]),
  ];
  return (
    <nav aria-label={t("filter.label")}>
      <ul className="flex flex-wrap gap-2">
        {options.map(([category, label]) => {
          const active = category === current;
          return (
            <li key={category ?? "all"}>
              <Link
                href={category ? `/settings/activity?category=${category}` : "/settings/activity"}
                aria-current={active ? "page" : undefined}
                className={`block rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset ${active ? "bg-indigo-600 text-white ring-indigo-600" : "bg-surface text-slate-700 ring-slate-300 hover:bg-slate-50"}`}
              >
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
