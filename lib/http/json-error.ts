import "server-only";

/**
 * The one shape of every JSON error the app answers (the HTTP front door, proxy.ts and the bearer
 * API): a stable machine-readable code and a sentence for people.
 */
export type JsonError = { error: string; message: string };

export function jsonError(error: string, message: string): JsonError {
  return { error, message };
}

export function jsonErrorResponse(status: number, error: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json(jsonError(error, message), { status, headers: { "Cache-Control": "no-store", ...headers } });
}
