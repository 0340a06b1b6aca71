import { vi } from "vitest";
import { request } from "@/test/helpers/next-request";

// Server actions read the request through Next.js; in these tests it is test/helpers/next-request.ts.
vi.mock("next/headers", async (importOriginal) => ({ ...(await importOriginal<object>()), headers: async () => request.state.headers }));
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
