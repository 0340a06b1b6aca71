import "server-only";
import type { AuditEventsQuery } from "@/lib/api/endpoints";
import { FEED_ORIGIN, feedHead, listAuditFeedPage, readAuditFeed } from "@/lib/audit/query";
import { decodeFeedCursor, encodeFeedCursor, type AuditFeedEvent, type FeedCursor } from "@/shared/audit-feed";

/**
 * GET /api/v1/audit-events: newest first by the admin page's cursor, or with `after` an incremental
 * pull in feed order whose `nextCursor` is where the next pull starts (never null).
 */
export async function readAuditEvents(query: AuditEventsQuery): Promise<{ data: AuditFeedEvent[]; nextCursor: string | null }> {
  const { after, limit, ...filter } = query;
  if (!after) {
    const { events, nextCursor } = await listAuditFeedPage(filter, limit);
    return { data: events, nextCursor };
  }
  const { events, position } = await readAuditFeed(await startOf(after), limit, filter);
  return { data: events, nextCursor: encodeFeedCursor(position) };
}

async function startOf(after: string): Promise<FeedCursor> {
  if (after === "origin") return FEED_ORIGIN;
  if (after === "latest") return feedHead();
  const position = decodeFeedCursor(after);
  // The query schema accepted it, so it decodes.
  if (!position) throw new Error("Unreadable feed cursor");
  return position;
}
