// The lib called in this process as a signed-in user's request would call it, against the app's
// database: for benchmarks and load setup that run beside the app. This process is never
// production, so its code emails land in the dev mailbox, where they are read back.
import type { RequestContext } from "@/lib/http/context";
import type { RequestMeta } from "@/lib/http/request-meta";
import { AppError } from "@/shared/errors";
import { codeFrom, proofs } from "@/tooling/app-client";

/** A new session for `userId`, as signing in would make it. */
export async function signedInContext(userId: string, meta: RequestMeta): Promise<RequestContext> {
  const { db } = await import("@/lib/db");
  const { createSession, resolveSession } = await import("@/lib/sessions/lifecycle");
  const session = await resolveSession(await db.$transaction((tx) => createSession(tx, userId, meta)));
  if (!session) throw new Error(`no session for ${userId}`);
  return { session, meta };
}

/** The 6-digit code in the newest dev-mailbox message to `to`. */
export async function latestMailboxCode(to: string): Promise<string> {
  const { listMailboxMessages } = await import("@/lib/email/mailbox");
  const [newest] = await listMailboxMessages({ to, limit: 1 });
  if (!newest) throw new Error(`no mailbox message to ${to}`);
  return codeFrom(newest.text);
}

/**
 * A protected call as the code modal makes it: `run` is refused with a challenge, the emailed code
 * is read from the dev mailbox, and `run` goes again with it.
 */
export async function withMailboxCode<T>(context: RequestContext, run: (context: RequestContext) => Promise<T>): Promise<T> {
  const asked = await run(context).then(
    () => {
      throw new Error("the call did not ask for step-up");
    },
    (error: unknown) => error,
  );
  const challenge = asked instanceof AppError && asked.code === "STEP_UP_REQUIRED" ? asked.details.challenge : undefined;
  if (!challenge) throw asked;
  const code = await latestMailboxCode(context.session.user.email);
  return run({ ...context, proof: { challengeId: challenge.id, proofs: proofs(code) } });
}
