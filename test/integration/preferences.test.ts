import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { saveLocaleAction } from "@/actions/preferences";
import { db, disconnectDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { initialActionState } from "@/shared/action-state";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import { newStepUpUser, type TestUser } from "@/test/helpers/step-up";

afterAll(disconnectDb);

const savedLocale = async (user: TestUser) =>
  (await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { locale: true } })).locale;
const auditRows = (user: TestUser) => db.auditEvent.count({ where: { OR: [{ actorId: user.id }, { targetId: user.id }] } });

describe("the Language setting (as /settings drives it)", () => {
  let user: TestUser;
  let sessionId: string;

  beforeEach(async () => {
    const created = await newStepUpUser("language");
    user = created.user;
    sessionId = created.context.session.id;
    request.state = { session: created.context.session, headers: sameOriginHeaders(getEnv().APP_URL), deferred: [] };
  });

  it("saving Deutsch stores it, and the next request's session carries it; nothing is audited", async () => {
    const before = await auditRows(user);
    expect(await saveLocaleAction(initialActionState, { locale: "de" })).toMatchObject({ ok: true });
    expect(await savedLocale(user)).toBe("de");
    expect((await resolveSession(sessionId))?.locale).toBe("de");
    // A preference, not a security change: no step-up was asked for, no audit row written.
    expect(await auditRows(user)).toBe(before);
  });

  it("takes the form as the browser posts it", async () => {
    const form = new FormData();
    form.set("locale", "de");
    expect(await saveLocaleAction(initialActionState, form)).toMatchObject({ ok: true });
    expect(await savedLocale(user)).toBe("de");
  });

  it("Automatic clears the saved choice, so the browser's language decides again", async () => {
    await db.user.update({ where: { id: user.id }, data: { locale: "de" } });
    expect(await saveLocaleAction(initialActionState, { locale: "auto" })).toMatchObject({ ok: true });
    expect(await savedLocale(user)).toBeNull();
    expect((await resolveSession(sessionId))?.locale).toBeNull();
  });

  it.each([
    ["a language the product does not speak", { locale: "fr" }],
    ["a region tag", { locale: "de-AT" }],
    ["another case", { locale: "DE" }],
    ["an empty value", { locale: "" }],
    ["an array", { locale: ["de"] }],
    ["a number", { locale: 1 }],
    ["no value", {}],
  ])("%s is refused with VALIDATION_FAILED and changes nothing", async (_label, input) => {
    await db.user.update({ where: { id: user.id }, data: { locale: "en" } });
    const result = await saveLocaleAction(initialActionState, input);
    expect(result).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
    expect(result.fieldErrors?.locale?.length).toBeGreaterThan(0);
    expect(await savedLocale(user)).toBe("en");
  });

  it("a signed-out request is refused and changes nothing", async () => {
    request.state.session = null;
    expect(await saveLocaleAction(initialActionState, { locale: "de" })).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    expect(await savedLocale(user)).toBeNull();
  });

  it("a cross-site post is refused and changes nothing", async () => {
    request.state.headers = new Headers({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(await saveLocaleAction(initialActionState, { locale: "de" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await savedLocale(user)).toBeNull();
  });
});
