import { describe, expect, test } from "vitest";
import { actionResultFrom, ActionThrew, encodeReply } from "@/tooling/app-client";

// The wire format tooling/app-client.ts speaks; the rows below are shaped like what
// the production server answered (test/instances/ drives the real thing).

describe("encodeReply", () => {
  test("is JSON, with React's escapes for strings starting with $ and for undefined", () => {
    expect(encodeReply([{ ok: false }, { name: "$ci", note: undefined, scopes: ["profile:read"], n: 1 }])).toBe(
      '[{"ok":false},{"name":"$$ci","note":"$undefined","scopes":["profile:read"],"n":1}]',
    );
  });

  test("refuses what a plain JSON reply cannot carry", () => {
    expect(() => encodeReply([new Map()])).toThrow(/plain objects/);
  });
});

describe("actionResultFrom", () => {
  const body = (text: string) => Buffer.from(text, "utf8");

  test("reads the row that row 0 names as the result and undoes the $$ escape", () => {
    const response = '0:{"a":"$@1","q":"","i":false,"b":"build"}\n1:{"ok":false,"code":"STEP_UP_REQUIRED","values":{"name":"$$ci"}}\n';
    expect(actionResultFrom(body(response))).toEqual({ ok: false, code: "STEP_UP_REQUIRED", values: { name: "$ci" } });
  });

  test("follows outlined rows, paths into them and length-prefixed text (which may hold newlines)", () => {
    const text = "two\nlines é";
    const response = `:HL["/a.css","style"]\n0:{"a":"$@1"}\n2:T${Buffer.byteLength(text).toString(16)},${text}1:{"ok":true,"message":"$2","data":"$3:x","gone":"$undefined"}\n3:{"x":[1,"$$y"]}\n`;
    expect(actionResultFrom(body(response))).toEqual({ ok: true, message: text, data: [1, "$y"], gone: undefined });
  });

  test("an action that threw surfaces as ActionThrew with its digest", () => {
    const response = '0:{"a":"$@1","q":"","i":false,"b":"build"}\n1:E{"digest":"2056567997"}\n';
    expect(() => actionResultFrom(body(response))).toThrow(ActionThrew);
    expect(() => actionResultFrom(body(response))).toThrow(/2056567997/);
  });

  test("a response without a result (a redirect's page) gives undefined", () => {
    expect(actionResultFrom(body('1:"$Sreact.fragment"\n0:{"b":"build","f":[]}\n'))).toBeUndefined();
  });
});
