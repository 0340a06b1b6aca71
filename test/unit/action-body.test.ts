import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { MAX_DEPTH, nestingDepth, screenActionBody } from "@/server/action-body";

// The encoder the browser runs (Next.js's copy of React's Flight client), so "valid" means what a real client sends.
const { encodeReply } = createRequire(import.meta.url)("next/dist/compiled/react-server-dom-webpack/client.node.js") as {
  encodeReply: (value: unknown) => Promise<string | FormData>;
};

/** A request body exactly as the browser would post it: text, or multipart with its boundary. */
async function bodyOf(reply: string | FormData): Promise<{ contentType: string; body: Buffer }> {
  const request = new Request("http://localhost/", { method: "POST", body: reply });
  return { contentType: request.headers.get("content-type") ?? "", body: Buffer.from(await request.arrayBuffer()) };
}

async function screenFetch(reply: string | FormData) {
  return screenActionBody({ fetchAction: true, ...(await bodyOf(reply)) });
}

const text = (body: string) => screenActionBody({ fetchAction: true, contentType: "text/plain;charset=UTF-8", body: Buffer.from(body) });

const nested = (depth: number, leaf = "1") => "[".repeat(depth) + leaf + "]".repeat(depth);

describe("server-action bodies a real client sends pass", () => {
  it("plain arguments: state, strings, escaped dollars, dates, BigInts, undefined, nested arrays", async () => {
    const reply = await encodeReply([
      { ok: false, values: { name: "$not-a-reference" } },
      { email: "a@b.co", when: new Date(0), n: 10n, u: undefined, arr: [1, [2, [3]]] },
    ]);
    expect(typeof reply).toBe("string");
    expect(await screenFetch(reply)).toEqual({ ok: true });
  });

  it("a form's FormData (multipart), repeated fields included", async () => {
    const form = new FormData();
    form.append("name", "ci-deploy [[[[ {{{{");
    form.append("scopes", "profile:read");
    form.append("scopes", "tokens:read");
    const reply = await encodeReply([{ ok: false }, form]);
    expect(reply).toBeInstanceOf(FormData);
    expect(await screenFetch(reply)).toEqual({ ok: true });
  });

  it("a value referenced twice (deduplicated with a path into an earlier row)", async () => {
    const shared = { challengeId: "x" };
    expect(await screenFetch(await encodeReply([{ a: shared }, { b: shared }]))).toEqual({ ok: true });
  });

  it("a form posted without JavaScript, with its bound action's rows", async () => {
    const form = new FormData();
    form.append("$ACTION_REF_1", "");
    form.append("$ACTION_1:0", JSON.stringify({ id: "7f00", bound: "$@1" }));
    form.append("$ACTION_1:1", JSON.stringify([{ ok: false }]));
    form.append("$ACTION_KEY", "k1");
    form.append("email", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
    expect(await screenActionBody({ fetchAction: false, ...(await bodyOf(form)) })).toEqual({ ok: true });
  });

  it("a plain form post that is no server action", async () => {
    expect(
      await screenActionBody({ fetchAction: false, contentType: "application/x-www-form-urlencoded", body: Buffer.from("a=[[[[") }),
    ).toEqual({ ok: true });
  });
});

describe("server-action bodies React's decoder would fail on are refused", () => {
  it.each([
    ["arrays nested 30,000 deep", nested(30_000)],
    ["objects nested 9,000 deep", '{"a":'.repeat(9_000) + "1" + "}".repeat(9_000)],
    ["a step-up proof nested 5,000 deep", `[{"ok":false},{"stepUp":${'{"code":'.repeat(5_000)}"1"${"}".repeat(5_000)}}]`],
    [`one level past the limit (${MAX_DEPTH + 1})`, nested(MAX_DEPTH + 1)],
  ])("%s", async (_label, body) => {
    expect(await text(body)).toEqual({ ok: false, reason: `nested deeper than ${MAX_DEPTH} levels` });
  });

  it("allows exactly the limit", async () => {
    expect(await text(nested(MAX_DEPTH))).toEqual({ ok: true });
  });

  it.each([
    ["text that is not JSON", "{{{", "a row is not JSON"],
    ["an empty body", "", "a row is not JSON"],
    ["a reference to a row that is not there", '["$1"]', "a reference to a row the request does not contain"],
    ["a promise of a missing row", '["$@2"]', "a reference to a row the request does not contain"],
    ["a Map from a missing row", '["$Qa"]', "a reference to a row the request does not contain"],
    ["a BigInt of 400 digits", `["$n${"9".repeat(400)}"]`, "a malformed or oversized BigInt"],
    ["a blob", '["$B1"]', "a kind of value no action here takes"],
    ["a stream", '["$R1"]', "a kind of value no action here takes"],
    ["a typed array", '["$A1"]', "a kind of value no action here takes"],
  ])("%s", async (_label, body, reason) => {
    expect(await text(body)).toEqual({ ok: false, reason });
  });

  it("a multipart body that is cut off, has no boundary, or lacks its root row", async () => {
    const contentType = "multipart/form-data; boundary=xyz";
    const cut = Buffer.from('--xyz\r\nContent-Disposition: form-data; name="0"\r\n\r\n[]');
    expect(await screenActionBody({ fetchAction: true, contentType, body: cut })).toEqual({
      ok: false,
      reason: "malformed multipart body",
    });
    expect(await screenActionBody({ fetchAction: true, contentType: "multipart/form-data", body: Buffer.from("x") })).toEqual({
      ok: false,
      reason: "malformed multipart body",
    });
    const form = new FormData();
    form.append("1", "[]");
    expect(await screenFetch(form)).toEqual({ ok: false, reason: "no root row" });
  });

  it("a multipart row that is not JSON or refers past the rows sent", async () => {
    const bad = new FormData();
    bad.append("0", "[[[");
    expect(await screenFetch(bad)).toEqual({ ok: false, reason: "a row is not JSON" });
    const dangling = new FormData();
    dangling.append("0", '["$2"]');
    dangling.append("1", "[]");
    expect(await screenFetch(dangling)).toEqual({ ok: false, reason: "a reference to a row the request does not contain" });
  });

  it("a form post without JavaScript whose bound action has no row, or carries a temporary reference", async () => {
    const unbound = new FormData();
    unbound.append("$ACTION_REF_1", "");
    expect(await screenActionBody({ fetchAction: false, ...(await bodyOf(unbound)) })).toEqual({
      ok: false,
      reason: "bound action without its row",
    });
    const temporary = new FormData();
    temporary.append("$ACTION_REF_1", "");
    temporary.append("$ACTION_1:0", '{"id":"7f00","bound":"$T"}');
    expect(await screenActionBody({ fetchAction: false, ...(await bodyOf(temporary)) })).toEqual({
      ok: false,
      reason: "a temporary reference in a form post",
    });
  });
});

describe("nestingDepth", () => {
  it("counts arrays and objects, not brackets inside strings (escaped quotes included)", () => {
    expect(nestingDepth('{"a":[{"b":[]}]}')).toBe(4);
    expect(nestingDepth('["[[[[", "\\"[[[["]')).toBe(1);
    expect(nestingDepth('"plain"')).toBe(0);
  });
});
