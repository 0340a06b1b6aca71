import type { CurrentSession } from "@/lib/sessions/lifecycle";

/**
 * The request the server actions under test run in. test/setup/next-request.ts mocks
 * `next/headers`, `getCurrentSession`, `revalidatePath` and `after()` for every test file to read
 * from here, so a test sets `request.state` and calls the action as Next.js would.
 */
export type RequestState = {
  session: CurrentSession | null;
  headers: Headers;
  /** Callbacks handed to next/server `after()`: they run when the test says so. */
  deferred: (() => unknown)[];
};

const holder = globalThis as unknown as { testRequest?: { state: RequestState } };
export const request: { state: RequestState } = (holder.testRequest ??= { state: { session: null, headers: new Headers(), deferred: [] } });

/** Headers of a same-origin browser request from `ip`. */
export function sameOriginHeaders(appUrl: string, ip = "203.0.113.7"): Headers {
  return new Headers({
    origin: appUrl,
    "sec-fetch-site": "same-origin",
    "x-forwarded-for": ip,
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
  });
}
