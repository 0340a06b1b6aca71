"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/settings", label: "nav.profile" },
  { href: "/settings/security", label: "nav.security" },
  { href: "/settings/activity", label: "nav.activity" },
] as const;

export function SettingsNav() {
  const t = useTranslations("settings");
  const pathname = usePathname();
  return (
    <nav aria-label={t("nav.label")}>
      <ul className="flex gap-1 md:flex-col">
        {LINKS.map((link) => {
          const current = pathname === link.href;
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={current ? "page" : undefined}
                className={`block rounded-md px-3 py-2 text-sm font-medium ${current ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`}
              >
                {t(link.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
