import { readdirSync } from "node:fs";
import path from "node:path";
import addFormats from "ajv-formats";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { ENDPOINTS } from "@/lib/api/endpoints";
import { recordStandaloneEvent } from "@/lib/audit/record";
import { db, disconnectDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { addressLimitKey } from "@/lib/rate-limit";
import { grantableScopes } from "@/shared/api-tokens";
import { anotherToken, apiCaller, callApi, ENDPOINT_NAMES, freshIp, type Caller, type EndpointName } from "@/test/helpers/api";
import { meta } from "@/test/helpers/fixtures";
import { newSession } from "@/test/helpers/step-up";

afterAll(disconnectDb);

type Header = { schema: object; required?: boolean };
type ResponseObject = { description: string; headers?: Record<string, Header>; content?: Record<string, { schema: object }> };
type Parameter = { name: string; in: string; required?: boolean; schema: { type?: string; maxLength?: number } };
type Operation = { parameters?: Parameter[]; responses: Record<string, ResponseObject>; security?: Record<string, string[]>[] };
type Document = {
  openapi: string;
  paths: Record<string, { get?: Operation }>;
  components: { schemas: Record<string, object> };
  webhooks: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;
};

const DOCUMENT_ID = "https://stepup.test/api/v1/openapi.json";
const V1 = path.join(process.cwd(), "app/api/v1");

let doc: Document;
let ajv: Ajv2020;
let caller: Caller;

/** Every route file under app/api/v1, as the URL path it serves. */
function routePaths(dir = V1): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routePaths(full);
    return /^route\.(ts|tsx|js)$/.test(entry.name) ? [`/api/v1/${path.relative(V1, dir).split(path.sep).join("/")}`] : [];
  });
}

const pointer = (...parts: string[]) => `${DOCUMENT_ID}#/${parts.map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

/** The document's own schema at `parts`, with every `$ref` resolved inside the document. */
function validatorAt(...parts: string[]): ValidateFunction {
  const validate = ajv.getSchema(pointer(...parts));
  if (!validate) throw new Error(`no schema at ${parts.join("/")}`);
  return validate;
}

function operation(name: EndpointName): Operation {
  const found = doc.paths[ENDPOINTS[name].path]?.get;
  if (!found) throw new Error(`${ENDPOINTS[name].path} is not documented`);
  return found;
}

/** Checks a real answer against what the document says about that status: body schema and headers. */
async function expectConforms(name: EndpointName, response: Response, status: number): Promise<unknown> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const documented = operation(name).responses[String(status)];
  expect(documented, `${name} does not document ${status}`).toBeDefined();
  const contentType = response.headers.get("content-type") ?? "";
  expect(contentType).toMatch(/^application\/json/);
  expect(Object.keys(documented!.content ?? {})).toEqual(["application/json"]);

  const body: unknown = JSON.parse(text);
  const validate = validatorAt("paths", ENDPOINTS[name].path, "get", "responses", String(status), "content", "application/json", "schema");
  expect(validate(body) ? null : validate.errors, `${name} ${status}: ${text.slice(0, 300)}`).toBeNull();

  for (const [header, spec] of Object.entries(documented!.headers ?? {})) {
    const value = response.headers.get(header);
    if (spec.required) expect(value, `${name} ${status} lacks ${header}`).not.toBeNull();
    if (value !== null) {
      const check = validatorAt("paths", ENDPOINTS[name].path, "get", "responses", String(status), "headers", header, "schema");
      expect(check(value) ? null : check.errors).toBeNull();
    }
  }
  return body;
}

beforeAll(async () => {
  const response = openApiRoute();
  expect(response.status).toBe(200);
  doc = (await response.json()) as Document;

  // OpenAPI 3.1 schema objects are JSON Schema 2020-12 plus a few annotations.
  ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addVocabulary(["example", "discriminator", "xml", "externalDocs"]);
  // The document itself is added (not its schemas copied out), so every `$ref` resolves in it.
  ajv.addVocabulary(["openapi", "info", "servers", "paths", "webhooks", "components", "security", "tags"]);
  ajv.addSchema({ ...doc, $id: DOCUMENT_ID });

  // Something to list at every endpoint: a second token, a second session, events of every kind.
  caller = await apiCaller("conformance", grantableScopes("ADMIN"), { admin: true });
  await anotherToken(caller, ["profile:read"], "second");
  await newSession(caller.user, meta("192.0.2.31"));
  await recordStandaloneEvent({
    type: "auth.sign_in_failed",
    outcome: "FAILURE",
    actor: caller.user,
    reason: "invalid_credentials",
    meta: meta("192.0.2.32"),
  });
  await recordStandaloneEvent({ type: "audit.pruned", actor: null, meta: { ip: null, userAgent: null }, metadata: { deleted: 3 } });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1.x, and documents exactly the route files under app/api/v1 (except itself)", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const routes = routePaths().filter((route) => route !== "/api/v1/openapi.json");
    expect(routes.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(doc.paths).sort()).toEqual(routes.sort());
    // And the endpoint list the tests below walk is that same set.
    expect(ENDPOINT_NAMES.map((name) => ENDPOINTS[name].path).sort()).toEqual(routes.sort());
    for (const name of ENDPOINT_NAMES) {
      expect(operation(name).security).toEqual([{ bearer: [ENDPOINTS[name].scope] }]);
    }
  });

  it("resolves every schema it references", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref).toMatch(/^#\/components\/schemas\/[A-Za-z]+$/);
      expect(doc.components.schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
  });
});

describe("real answers conform to the document", () => {
  it.each(ENDPOINT_NAMES)("%s: 200 with data", async (name) => {
    const body = (await expectConforms(name, await callApi(name, { token: caller.token, ip: freshIp() }), 200)) as {
      data?: unknown[];
    };
    if (name === "me") expect(body).toEqual({ id: caller.user.id, email: caller.user.email });
    else expect(body.data?.length, `${name} answered no data`).toBeGreaterThan(1);
  });

  it("audit-events: 200 for an incremental pull and for a filtered page too", async () => {
    const ip = freshIp();
    const pull = (await expectConforms(
      "auditEvents",
      await callApi("auditEvents", { token: caller.token, ip, query: { after: "origin", limit: "3" } }),
      200,
    )) as { data: unknown[]; nextCursor: string };
    expect(pull.data).toHaveLength(3);
    expect(typeof pull.nextCursor).toBe("string");
    const next = (await expectConforms(
      "auditEvents",
      await callApi("auditEvents", { token: caller.token, ip, query: { after: pull.nextCursor } }),
      200,
    )) as { data: unknown[] };
    expect(next.data.length).toBeGreaterThan(0);
    const filtered = (await expectConforms(
      "auditEvents",
      await callApi("auditEvents", { token: caller.token, ip, query: { outcome: "FAILURE", account: caller.user.id } }),
      200,
    )) as { data: unknown[] };
    expect(filtered.data.length).toBeGreaterThan(0);
  });

  it.each(ENDPOINT_NAMES)("%s: 400 for each documented query parameter given a value its schema refuses", async (name) => {
    const parameters = (operation(name).parameters ?? []).filter((parameter) => parameter.in === "query");
    expect(parameters.map((parameter) => parameter.name).sort()).toEqual(Object.keys(ENDPOINTS[name].query.shape).sort());
    const ip = freshIp();
    let tried = 0;
    for (const parameter of parameters) {
      const schema = validatorAt(
        "paths",
        ENDPOINTS[name].path,
        "get",
        "parameters",
        String(operation(name).parameters!.indexOf(parameter)),
        "schema",
      );
      const numeric = parameter.schema.type === "integer" || parameter.schema.type === "number";
      const candidates = ["", "x".repeat((parameter.schema.maxLength ?? 300) + 1), "no-such-value", "2026-13-45x", "0", "1.5", "100000"];
      const invalid = candidates.find((candidate) => !schema(numeric && candidate !== "" ? Number(candidate) : candidate));
      if (invalid === undefined) continue;
      tried++;
      const body = (await expectConforms(
        name,
        await callApi(name, { token: caller.token, ip, query: { [parameter.name]: invalid } }),
        400,
      )) as {
        error: string;
      };
      expect(body.error).toBe("invalid_request");
    }
    if (parameters.length) expect(tried).toBeGreaterThan(0);
    else {
      // An endpoint without parameters ignores unknown ones rather than answering 400.
      expect((await callApi(name, { token: caller.token, ip, query: { unknown: "1" } })).status).toBe(200);
    }
  });

  it.each(ENDPOINT_NAMES)("%s: 401 without a token and with a bad one", async (name) => {
    for (const token of [null, "asec_not-a-real-token"]) {
      const body = (await expectConforms(name, await callApi(name, { token, ip: freshIp() }), 401)) as { error: string };
      expect(body.error).toBe("invalid_token");
    }
  });

  it.each(ENDPOINT_NAMES)("%s: 403 with a token lacking the scope", async (name) => {
    const others = await anotherToken(
      caller,
      grantableScopes("ADMIN").filter((scope) => scope !== ENDPOINTS[name].scope),
      `no-${name}`,
    );
    const body = (await expectConforms(name, await callApi(name, { token: others.token, ip: freshIp() }), 403)) as { error: string };
    expect(body.error).toBe("insufficient_scope");
  });

  it.each(ENDPOINT_NAMES)("%s: 429 when the address's or the token's limit is used up, with Retry-After", async (name) => {
    // The counting itself is test/integration/api-v1.test.ts's; here the windows start full.
    const ip = freshIp();
    await db.$executeRaw`INSERT INTO rate_limits (key, window_start, count) VALUES (${addressLimitKey("api", ip)}, now(), ${getEnv().API_RATE_LIMIT_PER_IP})`;
    const byAddress = await callApi(name, { token: caller.token, ip });
    expect(Number(byAddress.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await expectConforms(name, byAddress, 429)) as { error: string }).error).toBe("rate_limited");

    const limited = await anotherToken(caller, [ENDPOINTS[name].scope], `limited-${name}`);
    await db.$executeRaw`INSERT INTO rate_limits (key, window_start, count) VALUES (${`api:token:${limited.apiToken.id}`}, now(), ${getEnv().API_RATE_LIMIT_PER_TOKEN})`;
    const byToken = await callApi(name, { token: limited.token, ip: freshIp() });
    expect(Number(byToken.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(byToken.headers.get("ratelimit-policy")).toContain('"token"');
    expect(((await expectConforms(name, byToken, 429)) as { error: string }).error).toBe("rate_limited");
  });

  it("the auditEvents webhook's item schema accepts real events from /api/v1/audit-events", async () => {
    const webhook = doc.webhooks.auditEvents?.post.requestBody.content["application/x-ndjson"];
    expect(webhook).toBeDefined();
    const validate = validatorAt("webhooks", "auditEvents", "post", "requestBody", "content", "application/x-ndjson", "schema");
    const response = await callApi("auditEvents", { token: caller.token, ip: freshIp(), query: { after: "origin", limit: "1000" } });
    const { data } = (await response.json()) as { data: { event: { action: string } }[] };
    expect(data.length).toBeGreaterThan(3);
    // Events of different shapes: with and without an actor, address and target.
    expect(data.map((event) => event.event.action)).toEqual(
      expect.arrayContaining(["auth.sign_in_failed", "audit.pruned", "api_token.created"]),
    );
    for (const event of data) expect(validate(event) ? null : validate.errors).toBeNull();
    // And it is a real check: a document missing a field is refused.
    const [first] = data as Record<string, unknown>[];
    expect(validate({ ...first, message: undefined })).toBe(false);
    expect(validate({ ...first, extra: true })).toBe(false);
  });
});
