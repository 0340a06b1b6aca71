import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";
import { vi } from "vitest";
import { request } from "@/test/helpers/next-request";

// Server actions read the request through Next.js; in these tests it is test/helpers/next-request.ts.
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  headers: async () => request.state.headers,
  // Read-only, from the request's Cookie header (the language's time zone, for instance).
  cookies: async () => new RequestCookies(request.state.headers),
}));
vi.mock("@/lib/sessions/current", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  getCurrentSession: async () => request.state.session,
}));
vi.mock("next/cache", async (importOriginal) => ({ ...(await importOriginal<object>()), revalidatePath: () => undefined }));
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  after: (callback: () => unknown) => {
    request.state.deferred.push(callback);
  },
}));
