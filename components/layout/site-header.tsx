import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { ThemePicker } from "@/components/layout/theme-picker";
import { OutlineIcon } from "@/components/ui/outline-icon";

/** `user`: who is signed in, if anyone (the root layout reads the session). */
export async function SiteHeader({ user }: { user: { email: string; role: "USER" | "ADMIN" } | null }) {
  const t = await getTranslations("layout");
  return (
    <header className="border-b border-slate-200 bg-surface">
      <div className="mx-auto flex h-16 max-w-5xl items-center justify-between px-4 sm:px-6">
        <Link href={user ? "/settings" : "/login"} className="flex items-center gap-2 font-semibold text-slate-900">
          <span aria-hidden="true" className="grid size-8 place-items-center rounded-lg bg-indigo-600 text-white">
            <OutlineIcon viewBox="0 0 24 24" strokeWidth={2} className="size-5">
              <path d="M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6l7-3z" />
              <path d="M9 12l2 2 4-4" />
            </OutlineIcon>
          </span>
          {/* On a phone the mark alone leaves room for the theme picker and signing out. */}
          <span className="max-sm:sr-only">{t("title")}</span>
        </Link>
        <div className="flex items-center gap-2 sm:gap-4">
          <ThemePicker />
          {user && (
            <>
              {user.role === "ADMIN" && (
                <Link href="/admin/audit" className="text-sm font-medium text-indigo-700 hover:underline">
                  {t("admin")}
                </Link>
              )}
              <span className="hidden text-sm text-slate-600 sm:inline">{user.email}</span>
              <SignOutButton />
            </>
          )}
        </div>
      </div>
    </header>
  );
}
