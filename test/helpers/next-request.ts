import type { CurrentSession } from "@/lib/sessions/lifecycle";

/**
 * What the mocked `next/headers` and `getCurrentSession` hand to server actions in tests.
 * Test files wire it up with:
 *
 *   const request = vi.hoisted(() => ({ state: { session: null, headers: new Headers(), deferred: [] } as RequestState }));
 *   vi.mock("next/headers", () => ({ headers: async () => request.state.headers }));
 *   vi.mock("@/lib/sessions/current", () => ({ getCurrentSession: async () => request.state.session }));
 */
export type RequestState = {
  session: CurrentSession | null;
  headers: Headers;
  /** Callbacks handed to next/server `after()`. */
  deferred: (() => unknown)[];
};

/** Headers of a same-origin browser request from `ip`. */
export function sameOriginHeaders(appUrl: string, ip = "203.0.113.7"): Headers {
  return new Headers({
    origin: appUrl,
    "sec-fetch-site": "same-origin",
    "x-forwarded-for": ip,
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
  });
}
