import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The layer rules of eslint.config.mjs, tried on imports that break them (and on ones that don't),
// as `npm run lint` would see them in these files.

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe("the architecture lint", () => {
  it.each([
    [
      "a component importing the domain layer",
      "components/ui/example.tsx",
      'import { db } from "@/lib/db";\nexport const x = db;\n',
      "no-restricted-imports",
    ],
    [
      "a component importing a route",
      "components/ui/example.tsx",
      'import Page from "@/app/page";\nexport const x = Page;\n',
      "no-restricted-imports",
    ],
    [
      "shared code importing the domain layer",
      "shared/example.ts",
      'import { getEnv } from "@/lib/env";\nexport const x = getEnv;\n',
      "no-restricted-imports",
    ],
    [
      "shared code importing a Node built-in",
      "shared/example.ts",
      'import { randomBytes } from "node:crypto";\nexport const x = randomBytes;\n',
      "no-restricted-imports",
    ],
    [
      "the domain layer importing a component",
      "lib/example.ts",
      'import "server-only";\nimport { Button } from "@/components/ui/button";\nexport const x = Button;\n',
      "no-restricted-imports",
    ],
    [
      "the domain layer importing an action",
      "lib/example.ts",
      'import "server-only";\nimport { signInAction } from "@/actions/auth";\nexport const x = signInAction;\n',
      "no-restricted-imports",
    ],
    [
      "a page importing tooling",
      "app/example/page.tsx",
      'import { seedDemoAccounts } from "@/tooling/demo-accounts";\nexport const x = seedDemoAccounts;\n',
      "no-restricted-imports",
    ],
    [
      "the server importing a test helper",
      "server/example.ts",
      'import { meta } from "@/test/helpers/fixtures";\nexport const x = meta;\n',
      "no-restricted-imports",
    ],
    [
      "a client module in app/ importing server-only code",
      "app/example/form.tsx",
      '"use client";\nimport { getEnv } from "@/lib/env";\nexport const x = getEnv;\n',
      "architecture/client-imports",
    ],
    ["a lib/ module without the server-only marker", "lib/example.ts", "export const x = 1;\n", "architecture/server-only-marker"],
  ])("fails %s", async (_label, file, code, rule) => {
    expect(await problems(file, code)).toContain(rule);
  });

  it.each([
    [
      "a component importing shared code and an action",
      "components/ui/example.tsx",
      'import { signInAction } from "@/actions/auth";\nimport { errorMessage } from "@/shared/errors";\nexport const x = [signInAction, errorMessage];\n',
    ],
    [
      "a page reading through the domain layer",
      "app/example/page.tsx",
      'import { getCurrentSession } from "@/lib/sessions/current";\nexport const x = getCurrentSession;\n',
    ],
    [
      "a client module importing a type from the domain layer",
      "app/example/form.tsx",
      '"use client";\nimport type { Env } from "@/lib/env";\nexport type X = Env;\n',
    ],
  ])("passes %s", async (_label, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
