import type { Metadata } from "next";
import Link from "next/link";
import { ActivityList } from "@/components/activity/activity-list";
import { CategoryFilter } from "@/components/activity/category-filter";
import { KnownDevices } from "@/components/activity/known-devices";
import { Card } from "@/components/ui/card";
import { listAccountActivity } from "@/lib/audit/query";
import { readDeviceId } from "@/lib/devices/cookie";
import { listKnownDevices } from "@/lib/devices/known-devices";
import { requireSession } from "@/lib/sessions/current";
import { parseActivityFilter } from "@/shared/activity";

export const metadata: Metadata = { title: "Security activity" };

type ActivityPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ActivityPage({ searchParams }: ActivityPageProps) {
  const session = await requireSession();
  const filter = parseActivityFilter(await searchParams);
  const [activity, devices] = await Promise.all([
    listAccountActivity(session.user.id, filter),
    listKnownDevices(session.user.id, await readDeviceId()),
  ]);
  const older = activity.nextCursor
    ? `/settings/activity?${new URLSearchParams({ ...(filter.category && { category: filter.category }), cursor: activity.nextCursor })}`
    : null;
  return (
    <div className="space-y-8">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">Security activity</h1>
        <p className="mt-1 text-sm text-slate-600">
          Everything that happened to your account&apos;s security: what you did, what an administrator did, and attempts that failed. If
          something wasn&apos;t you, say so on its row: we sign out every other session at once.
        </p>
      </header>
      <Card headingId="activity-events" title="Recent events">
        <div className="border-b border-slate-200 px-6 py-4">
          <CategoryFilter current={filter.category} />
        </div>
        <ActivityList events={activity.events} />
        {(older || filter.cursor) && (
          <nav aria-label="Pages" className="flex justify-between border-t border-slate-200 px-6 py-4 text-sm font-medium">
            {filter.cursor ? (
              <Link
                href={filter.category ? `/settings/activity?category=${filter.category}` : "/settings/activity"}
                className="text-indigo-700 hover:underline"
              >
                Newest events
              </Link>
            ) : (
              <span />
            )}
            {older && (
              <Link href={older} className="text-indigo-700 hover:underline">
                Older events
              </Link>
            )}
          </nav>
        )}
      </Card>
      <Card
        headingId="known-devices"
        title="Your devices"
        description="Browsers that have signed in to your account. A sign-in from any other device is announced by email."
      >
        <KnownDevices devices={devices} />
      </Card>
    </div>
  );
}
