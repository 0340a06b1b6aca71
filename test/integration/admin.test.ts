import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { adminRevokeApiTokenAction } from "@/actions/api-tokens";
import { GET as exportCsv } from "@/app/admin/audit/export/route";
import AuditPage from "@/app/admin/audit/page";
import AdminTokensPage from "@/app/admin/tokens/page";
import { authenticateBearer } from "@/lib/api-tokens/authenticate";
import { createApiToken } from "@/lib/api-tokens/create";
import { recordAuditEvent } from "@/lib/audit/record";
import { db, disconnectDb } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverDueEmails } from "@/lib/email/outbox";
import { getEnv } from "@/lib/env";
import type { RequestContext } from "@/lib/http/context";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { initialActionState } from "@/shared/action-state";
import { request, sameOriginHeaders } from "@/test/helpers/next-request";
import { auditCount, completeStepUp, expectStepUpRequired, newStepUpUser, tokenRequest, type TestUser } from "@/test/helpers/step-up";

afterAll(disconnectDb);

beforeEach(() => {
  request.state = { session: null, headers: sameOriginHeaders(getEnv().APP_URL), deferred: [] };
});

async function newAdmin(label = "admin"): Promise<{ admin: TestUser; context: RequestContext }> {
  const { user, context } = await newStepUpUser(label);
  await db.user.update({ where: { id: user.id }, data: { role: "ADMIN" } });
  const session = await resolveSession(context.session.id);
  if (!session) throw new Error("admin session did not resolve");
  return { admin: user, context: { ...context, session } };
}

const NOT_FOUND = expect.objectContaining({ digest: expect.stringContaining("404") });
const deniedCount = () => db.auditEvent.count({ where: { type: "admin.access_denied", outcome: "BLOCKED" } });

describe("who may see the admin area", () => {
  it("a signed-out visitor gets a 404 for every admin page, the export and the revoke action, and each attempt is recorded", async () => {
    const before = await deniedCount();
    await expect(AuditPage({ searchParams: Promise.resolve({}) })).rejects.toEqual(NOT_FOUND);
    await expect(AdminTokensPage({ searchParams: Promise.resolve({}) })).rejects.toEqual(NOT_FOUND);
    const response = await exportCsv(new Request(`${getEnv().APP_URL}/admin/audit/export`));
    expect(response.status).toBe(404);
    expect(await adminRevokeApiTokenAction(initialActionState, { tokenId: crypto.randomUUID() })).toMatchObject({
      ok: false,
      code: "NOT_FOUND",
    });
    expect(await deniedCount()).toBe(before + 4);
    const last = await db.auditEvent.findFirst({ where: { type: "admin.access_denied" }, orderBy: { id: "desc" } });
    expect(last).toMatchObject({ actorId: null, reason: "admin.tokens.revoke", ip: "203.0.113.7" });
  });

  it("a signed-in user (role USER) gets the same 404, recorded with who it was", async () => {
    const { user, context } = await newStepUpUser("not-admin");
    request.state.session = context.session;
    await expect(AuditPage({ searchParams: Promise.resolve({ email: "x" }) })).rejects.toEqual(NOT_FOUND);
    expect((await exportCsv(new Request(`${getEnv().APP_URL}/admin/audit/export`))).status).toBe(404);
    expect(await db.auditEvent.count({ where: { type: "admin.access_denied", actorId: user.id } })).toBe(2);
    expect(await auditCount("admin.audit_viewed", user.id)).toBe(0);
  });

  it("an admin sees the page, and the view is recorded with its filter", async () => {
    const { admin, context } = await newAdmin();
    request.state.session = context.session;
    await expect(AuditPage({ searchParams: Promise.resolve({ outcome: "FAILURE", group: "step_up", junk: "x" }) })).resolves.toBeTruthy();
    const viewed = await db.auditEvent.findFirst({ where: { type: "admin.audit_viewed", actorId: admin.id } });
    expect(viewed?.metadata).toEqual({ outcome: "FAILURE", group: "step_up" });
  });
});

describe("CSV export", () => {
  it("streams the filtered events with a header, RFC 4180 quoting, and no cell a spreadsheet would run", async () => {
    const { admin, context } = await newAdmin("exporter");
    request.state.session = context.session;
    const hostile = ['=HYPERLINK("http://evil.test","x")', "+1+1", "-2", "@SUM(A1)", "\tTAB", 'say "hi", ok\nnext line'];
    await db.$transaction(async (tx) => {
      for (const reason of hostile) {
        await recordAuditEvent(tx, {
          type: "auth.sign_in_failed",
          outcome: "FAILURE",
          actor: { email: "csv-target@example.test" },
          reason,
          meta: { ip: "198.51.100.1", userAgent: null },
        });
      }
    });

    const response = await exportCsv(new Request(`${getEnv().APP_URL}/admin/audit/export?email=csv-target%40&outcome=FAILURE`));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-events-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.body).toBeInstanceOf(ReadableStream);
    const csv = await response.text();
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("time_utc,actor_email,type,outcome,target,reason,ip,device,description,target_name");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    expect(csv).toContain(`"'+1+1"`);
    expect(csv).toContain(`"'-2"`);
    expect(csv).toContain(`"'@SUM(A1)"`);
    expect(csv).toContain(`"'\tTAB"`);
    expect(csv).toContain(`"say ""hi"", ok\nnext line"`);
    // 6 events (+ the header, + the trailing empty string after the last CRLF); the quoted newline is not a row break.
    expect(lines).toHaveLength(8);
    expect(await auditCount("admin.audit_exported", admin.id)).toBe(1);
  });
});

describe("admin token revoke", () => {
  it("needs the admin's own step-up, kills the token at once, records the admin as actor and tells the owner", async () => {
    const { user: owner, context: ownerContext } = await newStepUpUser("token-owner");
    await completeStepUp(ownerContext, "api_token.create", tokenRequest("deploy"));
    const created = await createApiToken(ownerContext, tokenRequest("deploy"));
    expect((await authenticateBearer(`Bearer ${created.token}`, "profile:read", null)).ok).toBe(true);

    const { admin, context } = await newAdmin("revoker");
    request.state.session = context.session;
    const first = await adminRevokeApiTokenAction(initialActionState, { tokenId: created.apiToken.id });
    expect(first).toMatchObject({ ok: false, status: "step_up_required", challenge: { action: "admin.api_token.revoke" } });
    expect((await authenticateBearer(`Bearer ${created.token}`, "profile:read", null)).ok).toBe(true);

    await completeStepUp(context, "admin.api_token.revoke", { tokenId: created.apiToken.id, name: "deploy", owner: owner.email });
    expect(await adminRevokeApiTokenAction(initialActionState, { tokenId: created.apiToken.id })).toMatchObject({ ok: true });
    expect((await authenticateBearer(`Bearer ${created.token}`, "profile:read", null)).ok).toBe(false);

    const event = await db.auditEvent.findFirst({ where: { type: "api_token.revoked", actorId: admin.id } });
    expect(event).toMatchObject({ reason: "revoked_by_admin", targetId: created.apiToken.displayPrefix });
    expect(event?.metadata).toMatchObject({ ownerId: owner.id, ownerEmail: owner.email });
    await Promise.all(request.state.deferred.map((callback) => callback()));
    await deliverDueEmails();
    const notices = (await listMailboxMessages({ to: owner.email })).filter(
      (message) => message.subject === "An administrator revoked your API token",
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).not.toContain(created.token);
  });

  it("a sudo window an admin opened for their own account opens nothing for acting on others' accounts, and the other way round (S23)", async () => {
    const { context: ownerContext } = await newStepUpUser("window-owner");
    await completeStepUp(ownerContext, "api_token.create", tokenRequest("first"));
    const first = await createApiToken(ownerContext, tokenRequest("first"));
    const second = await createApiToken(ownerContext, tokenRequest("second"));

    const { context } = await newAdmin("window-admin");
    request.state.session = context.session;
    await completeStepUp(context, "api_token.create", tokenRequest("admins-own"));
    expect(await createApiToken(context, tokenRequest("admins-own"))).toMatchObject({ apiToken: { name: "admins-own" } });
    expect(await adminRevokeApiTokenAction(initialActionState, { tokenId: first.apiToken.id })).toMatchObject({
      ok: false,
      status: "step_up_required",
      challenge: { action: "admin.api_token.revoke" },
    });
    expect((await authenticateBearer(`Bearer ${first.token}`, "profile:read", null)).ok).toBe(true);

    const { admin: other, context: otherContext } = await newAdmin("window-admin-2");
    request.state.session = otherContext.session;
    await completeStepUp(otherContext, "admin.api_token.revoke", {
      tokenId: second.apiToken.id,
      name: "second",
      owner: ownerContext.session.user.email,
    });
    expect(await adminRevokeApiTokenAction(initialActionState, { tokenId: second.apiToken.id })).toMatchObject({ ok: true });
    await expectStepUpRequired(createApiToken(otherContext, tokenRequest("admins-own")));
    expect(await db.apiToken.count({ where: { userId: other.id } })).toBe(0);
  });

  it("a plain user calling the admin action is refused as not found, even with a valid token id, and nothing changes", async () => {
    const { context: ownerContext } = await newStepUpUser("token-owner-2");
    await completeStepUp(ownerContext, "api_token.create", tokenRequest("keep"));
    const created = await createApiToken(ownerContext, tokenRequest("keep"));
    const { context } = await newStepUpUser("sneaky");
    request.state.session = context.session;
    expect(await adminRevokeApiTokenAction(initialActionState, { tokenId: created.apiToken.id })).toMatchObject({
      ok: false,
      code: "NOT_FOUND",
    });
    expect((await authenticateBearer(`Bearer ${created.token}`, "profile:read", null)).ok).toBe(true);
    expect(await db.stepUpChallenge.count({ where: { userId: context.session.user.id } })).toBe(0);
  });
});
