import "server-only";
import type { RequestMeta } from "@/lib/http/request-meta";
import type { CurrentSession } from "@/lib/sessions/lifecycle";
import type { StepUpProof } from "@/shared/step-up";

/**
 * What every server entry point (server action, route handler) knows about the request it serves,
 * and what domain functions take as their first argument.
 */
export type RequestContext = {
  meta: RequestMeta;
  session: CurrentSession;
  /** The step-up proof the code modal sent along with the change it was asked for (see withStepUp). */
  proof?: StepUpProof;
};

/** A request from someone who is not signed in (sign-in, sign-up, the emailed "This wasn't me" links). */
export type PublicRequestContext = Pick<RequestContext, "meta">;
