// Exists only in benchmark builds (NEXT_BENCH_ROUTES=1, see next.config.js): a dynamic JSON route
// that checks nothing, so the benchmark can tell Next.js's cost of running a route handler on
// every request from the cost of checking a bearer token.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
