import { z } from "zod";
import { firstValues, optionalParam } from "@/shared/audit";
import { EVENT_CATEGORIES, type EventCategory } from "@/shared/audit-events";

/** What securing the account ended, for the page that follows. */
export type SecuredAccount = { sessionsSignedOut: number; challengesEnded: number; grantsEnded: number };

const activityFilterSchema = z.object({
  category: optionalParam(z.enum(Object.keys(EVENT_CATEGORIES) as [EventCategory, ...EventCategory[]])),
  cursor: optionalParam(z.string().max(100)),
});
export type ActivityFilter = z.infer<typeof activityFilterSchema>;

export function parseActivityFilter(params: Record<string, string | string[] | undefined>): ActivityFilter {
  return activityFilterSchema.parse(firstValues(params));
}

export const secureAccountSchema = z.object({
  event: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});
export const forgetDeviceSchema = z.object({ deviceId: z.uuid() });
export const secureAccountLinkSchema = z.object({ token: z.string().min(1).max(200) });
