import "server-only";
import { z } from "zod";
import { jsonHostCookie } from "@/lib/http/host-cookie";

// Binds verification to the browser that signed up: the request id never appears in a URL or email.
const pendingSignUp = jsonHostCookie(
  "pending_sign_up",
  z.object({ id: z.uuid(), email: z.string().max(254), resendAvailableAt: z.iso.datetime() }),
  24 * 60 * 60,
);

export const setPendingSignUpCookie = pendingSignUp.set;
export const readPendingSignUpCookie = pendingSignUp.read;
export const clearPendingSignUpCookie = pendingSignUp.clear;
