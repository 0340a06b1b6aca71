"use server";

import { authedAction } from "@/lib/actions/action";
import { emptySchema } from "@/lib/validation/auth";

/** The benchmark's baseline: an authenticated server action that does nothing else. */
export const noopAuthenticatedAction = authedAction(emptySchema, async () => ({ ok: true }));
