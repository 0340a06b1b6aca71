// Liveness for load balancers: answers without touching the database, so a Postgres outage
// does not make every instance look dead at once (requests then get "temporarily unavailable").
export const dynamic = "force-static";

export function GET() {
  return Response.json({ status: "ok" });
}
