import Link from "next/link";
import type { ReactNode } from "react";
import { StepUpProvider } from "@/components/step-up/step-up-provider";

const LINKS = [
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/tokens", label: "API tokens" },
  { href: "/admin/jobs", label: "Background jobs" },
  { href: "/admin/streaming", label: "Audit streaming" },
] as const;

/** Rendered by each admin page after its own admin check, so nothing here shows to anyone else. */
export function AdminShell({
  current,
  title,
  description,
  children,
}: {
  current: (typeof LINKS)[number]["href"];
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-6xl space-y-6 px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-xs font-semibold tracking-wide text-indigo-700 uppercase">Admin</p>
          <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
          <p className="mt-1 text-sm text-slate-600">{description}</p>
        </div>
        <nav aria-label="Admin">
          <ul className="flex flex-wrap gap-1">
            {LINKS.map((link) => (
              <li key={link.href}>
                <Link
                  href={link.href}
                  aria-current={link.href === current ? "page" : undefined}
                  className={`block rounded-md px-3 py-2 text-sm font-medium ${link.href === current ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`}
                >
                  {link.label}
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
