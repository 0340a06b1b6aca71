import { z } from "zod";

export const revokeSessionSchema = z.object({ sessionId: z.uuid({ error: "Unknown session" }) });

/** What the sessions list shows about a signed-in browser. */
export type SessionDto = { id: string; device: string; ip: string | null; createdAt: string; lastSeenAt: string; current: boolean };
