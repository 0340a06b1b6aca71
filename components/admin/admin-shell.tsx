import { getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { StepUpProvider } from "@/components/step-up/step-up-provider";

const LINKS = [
  { href: "/admin/audit", page: "audit" },
  { href: "/admin/users", page: "users" },
  { href: "/admin/tokens", page: "tokens" },
  { href: "/admin/jobs", page: "jobs" },
  { href: "/admin/streaming", page: "streaming" },
] as const;

/** A page of the console: one of the sections, or one account (`user`, under Users). */
export type AdminPage = (typeof LINKS)[number]["page"] | "user";

/**
 * Rendered by each admin page after its own admin check, so nothing here shows to anyone else.
 * `page` names the page's heading and introduction; `title` replaces the heading (one account's
 * page shows its address).
 */
export async function AdminShell({ page, title, children }: { page: AdminPage; title?: string; children: ReactNode }) {
  const t = await getTranslations("admin");
  const pages: Record<AdminPage, { title: string; description: string }> = {
    audit: { title: t("audit.title"), description: t("audit.description") },
    users: { title: t("users.title"), description: t("users.description") },
    user: { title: t("user.metaTitle"), description: t("user.description") },
    tokens: { title: t("tokens.title"), description: t("tokens.description") },
    jobs: { title: t("jobs.title"), description: t("jobs.description") },
    streaming: { title: t("streaming.title"), description: t("streaming.description") },
  };
  const current = page === "user" ? "users" : page;
  return (
    <div className="mx-auto max-w-6xl space-y-6 px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <p className="text-xs font-semibold tracking-wide text-indigo-700 uppercase">{t("shell.eyebrow")}</p>
          <h1 className="text-2xl font-bold tracking-tight [overflow-wrap:anywhere]">{title ?? pages[page].title}</h1>
          <p className="mt-1 text-sm text-slate-600">{pages[page].description}</p>
        </div>
        <nav aria-label={t("shell.navLabel")}>
          <ul className="flex flex-wrap gap-1">
            {LINKS.map((link) => (
              <li key={link.href}>
                <Link
                  href={link.href}
                  aria-current={link.page === current ? "page" : undefined}
                  className={`block rounded-md px-3 py-2 text-sm font-medium ${link.page === current ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`}
                >
                  {pages[link.page].title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      <StepUpProvider>{children}</StepUpProvider>
    </div>
  );
}

/** A console page's `<title>`: "Users · Admin", the audit log's plain "Audit log" (the root layout adds the product's name). */
export async function adminPageTitle(page: AdminPage): Promise<string> {
  const t = await getTranslations("admin");
  const titles: Record<Exclude<AdminPage, "audit">, string> = {
    users: t("users.title"),
    user: t("user.metaTitle"),
    tokens: t("tokens.title"),
    jobs: t("jobs.title"),
    streaming: t("streaming.title"),
  };
  return page === "audit" ? t("audit.title") : t("shell.metaTitle", { page: titles[page] });
}
