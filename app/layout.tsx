import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/layout/site-header";
import { getCurrentSession } from "@/lib/sessions/current";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Account Security", template: "%s · Account Security" },
  description: "Manage API tokens, two-step verification, email, password and sessions.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getCurrentSession();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-4 focus:left-4 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:shadow"
        >
          Skip to content
        </a>
        <SiteHeader user={session?.user ?? null} />
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
