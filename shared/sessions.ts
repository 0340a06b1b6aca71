import { z } from "zod";
import { issue } from "@/i18n/issues";

export const revokeSessionSchema = z.object({ sessionId: z.uuid({ error: issue("unknownSession") }) });

/** What the sessions list shows about a signed-in browser. */
export type SessionDto = { id: string; device: string; ip: string | null; createdAt: string; lastSeenAt: string; current: boolean };
