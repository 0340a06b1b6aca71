import "server-only";
import { z } from "zod";
import { jsonHostCookie } from "@/lib/http/host-cookie";

/** The reset this browser asked for, so the code can be typed here when the email is read elsewhere. */
export const pendingResetCookie = jsonHostCookie(
  "password_reset",
  z.object({ id: z.uuid(), email: z.string().max(254), resendAvailableAt: z.iso.datetime() }),
  30 * 60,
);
