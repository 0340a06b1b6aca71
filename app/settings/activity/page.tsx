import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import { ActivityList } from "@/components/activity/activity-list";
import { CategoryFilter } from "@/components/activity/category-filter";
import { KnownDevices } from "@/components/activity/known-devices";
import { ClientMessages } from "@/components/layout/client-messages";
import { Card } from "@/components/ui/card";
import { listAccountActivity } from "@/lib/audit/query";
import { readDeviceId } from "@/lib/devices/cookie";
import { listKnownDevices } from "@/lib/devices/known-devices";
import { requireSession } from "@/lib/sessions/current";
import { parseActivityFilter } from "@/shared/activity";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("activity");
  return { title: t("page.title") };
}

type ActivityPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ActivityPage({ searchParams }: ActivityPageProps) {
  const session = await requireSession();
  const [t, locale] = await Promise.all([getTranslations("activity"), getLocale()]);
  const filter = parseActivityFilter(await searchParams);
  const [activity, devices] = await Promise.all([
    // The sentences in the reader's language.
    listAccountActivity(session.user.id, filter, locale),
    listKnownDevices(session.user.id, await readDeviceId()),
  ]);
  const older = activity.nextCursor
    ? `/settings/activity?${new URLSearchParams({ ...(filter.category && { category: filter.category }), cursor: activity.nextCursor })}`
    : null;
  return (
    <ClientMessages area="activity">
      <div className="space-y-8">
        <header>
          <h1 className="text-2xl font-bold tracking-tight">{t("page.title")}</h1>
          <p className="mt-1 text-sm text-slate-600">{t("page.intro")}</p>
        </header>
        <Card headingId="activity-events" title={t("page.events")}>
          <div className="border-b border-slate-200 px-6 py-4">
            <CategoryFilter current={filter.category} />
          </div>
          <ActivityList events={activity.events} />
          {(older || filter.cursor) && (
            <nav aria-label={t("page.pages")} className="flex justify-between border-t border-slate-200 px-6 py-4 text-sm font-medium">
              {filter.cursor ? (
                <Link
                  href={filter.category ? `/settings/activity?category=${filter.category}` : "/settings/activity"}
                  className="text-indigo-700 hover:underline"
                >
                  {t("page.newest")}
                </Link>
              ) : (
                <span />
              )}
              {older && (
                <Link href={older} className="text-indigo-700 hover:underline">
                  {t("page.older")}
                </Link>
              )}
            </nav>
          )}
        </Card>
        <Card headingId="known-devices" title={t("devices.title")} description={t("devices.description")}>
          <KnownDevices devices={devices} />
        </Card>
      </div>
    </ClientMessages>
  );
}
