import { GET as auditEventsRoute } from "@/app/api/v1/audit-events/route";
import { GET as meRoute } from "@/app/api/v1/me/route";
import { GET as securityEventsRoute } from "@/app/api/v1/security-events/route";
import { GET as sessionsRoute } from "@/app/api/v1/sessions/route";
import { GET as tokensRoute } from "@/app/api/v1/tokens/route";
import { createApiToken, type CreatedApiToken } from "@/lib/api-tokens/create";
import { ENDPOINTS } from "@/lib/api/endpoints";
import { db } from "@/lib/db";
import type { RequestContext } from "@/lib/http/context";
import type { ApiTokenScope } from "@/shared/api-tokens";
import { completeStepUp, newContext, newUser, tokenRequest, type TestUser } from "@/test/helpers/step-up";

/** Every bearer endpoint, by the name ENDPOINTS gives it, with its route handler. */
const ROUTES = {
  me: meRoute,
  tokens: tokensRoute,
  sessions: sessionsRoute,
  securityEvents: securityEventsRoute,
  auditEvents: auditEventsRoute,
} as const satisfies Record<keyof typeof ENDPOINTS, (request: Request) => Promise<Response>>;

export type EndpointName = keyof typeof ROUTES;
export const ENDPOINT_NAMES = Object.keys(ROUTES) as EndpointName[];

export type Caller = { user: TestUser; context: RequestContext; created: CreatedApiToken; token: string };

/** A verified user (an admin with `admin`) with a session and a token with `scopes`, created through step-up. */
export async function apiCaller(label: string, scopes: ApiTokenScope[], options: { admin?: boolean } = {}): Promise<Caller> {
  const user = await newUser(label);
  if (options.admin) await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
  const context = await newContext(user);
  await completeStepUp(context, "api_token.create", tokenRequest(label));
  const created = await createApiToken(context, tokenRequest(label, { scopes }));
  return { user, context, created, token: created.token };
}

/** Another token for the same caller (the sudo window is still open). */
export async function anotherToken(caller: Caller, scopes: ApiTokenScope[], name = "another"): Promise<CreatedApiToken> {
  return createApiToken(caller.context, tokenRequest(name, { scopes }));
}

type CallOptions = { token?: string | null; ip?: string; query?: Record<string, string>; headers?: Record<string, string> };

/** A request to the endpoint's route handler, as the app's server would pass it on. */
export function callApi(
  name: EndpointName,
  { token, ip = "198.51.100.200", query = {}, headers = {} }: CallOptions = {},
): Promise<Response> {
  const url = new URL(ENDPOINTS[name].path, "http://localhost");
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const sent: Record<string, string> = { "x-forwarded-for": ip, ...headers };
  if (token) sent.authorization = `Bearer ${token}`;
  return ROUTES[name](new Request(url, { headers: sent }));
}

let ipCounter = 0;
/** A client address no other test in this process has used (per-address limits never mix). */
export function freshIp(): string {
  ipCounter++;
  return `10.77.${Math.floor(ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;
}
