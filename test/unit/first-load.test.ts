import { describe, expect, it } from "vitest";
import { clientCode } from "@/test/helpers/client-modules";

// What only a click (or the server asking for a code) shows is downloaded then, not with the page:
// the dialogs, the code step, zod and Radix Dialog stay out of the first-load JavaScript of the two
// pages `npm run bench` weighs (bench/suite.ts, firstLoadJsReport), while everything on screen at
// first paint is bundled with the page. Sizes are the bench's to measure; this holds the structure.

const ROUTES = {
  "/settings/security": ["app/layout.tsx", "app/settings/layout.tsx", "app/settings/security/page.tsx"],
  "/login": ["app/layout.tsx", "app/(auth)/layout.tsx", "app/(auth)/login/page.tsx"],
};

/** Packages only the dialogs, the code step and the schemas' first check need. */
const ON_DEMAND_PACKAGES = ["zod", "@radix-ui/react-dialog", "@simplewebauthn/browser", "qrcode"];

const ON_DEMAND_MODULES = [
  "components/step-up/step-up-dialog.tsx",
  "components/ui/dialog.tsx",
  "components/api-tokens/create-token-dialog.tsx",
  "components/api-tokens/revoke-token-dialog.tsx",
  "components/two-factor/enrol-dialog.tsx",
  "components/two-factor/regenerate-codes-dialog.tsx",
  "components/two-factor/turn-off-dialog.tsx",
  "components/passkeys/rename-passkey-dialog.tsx",
  "components/passkeys/remove-passkey-dialog.tsx",
];

describe.each(Object.entries(ROUTES))("the first load of %s", (_route, entries) => {
  const firstLoad = clientCode(entries);
  const everything = clientCode(entries, { onDemand: true });

  it("leaves out the packages only a click needs", () => {
    expect(ON_DEMAND_PACKAGES.filter((name) => firstLoad.packages.has(name))).toEqual([]);
  });

  it("leaves out the dialogs and the code step", () => {
    expect(ON_DEMAND_MODULES.filter((file) => firstLoad.modules.has(file))).toEqual([]);
  });

  it("can still reach what it leaves out, on demand", () => {
    expect(everything.packages).toContain("zod");
  });
});

describe("the security page", () => {
  const firstLoad = clientCode(ROUTES["/settings/security"]);
  const everything = clientCode(ROUTES["/settings/security"], { onDemand: true });

  it("bundles every section it shows at first paint", () => {
    for (const section of [
      "components/api-tokens/api-tokens-section.tsx",
      "components/two-factor/two-factor-section.tsx",
      "components/passkeys/passkeys-section.tsx",
      "components/account/email-section.tsx",
      "components/account/password-section.tsx",
      "components/sessions/sessions-section.tsx",
      "components/step-up/step-up-provider.tsx",
    ])
      expect(firstLoad.modules).toContain(section);
  });

  it("downloads each dialog and the code step on demand", () => {
    for (const file of ON_DEMAND_MODULES) expect(everything.modules).toContain(file);
  });
});
