import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resolveSession } from "@/lib/sessions/lifecycle";
import { listActiveSessions, revokeOtherSession, signOutOtherSessions } from "@/lib/sessions/other-sessions";
import { meta } from "@/test/helpers/fixtures";
import {
  auditCount,
  completeStepUp,
  expectAppError,
  expectStepUpRequired,
  newSession,
  newStepUpUser,
  newUser,
} from "@/test/helpers/step-up";

describe("active sessions", () => {
  it("lists the user's live sessions with device and IP, marking this one", async () => {
    const { user, context } = await newStepUpUser("sessions-list");
    const other = await newSession(user, meta("198.51.100.20"));
    const revoked = await newSession(user);
    await db.session.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    await newSession(await newUser("stranger"));

    const sessions = await listActiveSessions(user.id, context.session.id);
    expect(sessions.map((session) => session.id).sort()).toEqual([context.session.id, other.id].sort());
    expect(sessions.find((session) => session.current)?.id).toBe(context.session.id);
    expect(sessions.find((session) => session.id === other.id)).toMatchObject({
      ip: "198.51.100.20",
      device: "Chrome 130 on Linux",
      current: false,
    });
  });

  it("signs out another session only after step-up, and it is refused on its next request", async () => {
    const { user, context } = await newStepUpUser("sessions-revoke");
    const other = await newSession(user);
    await expectStepUpRequired(revokeOtherSession(context, other.id));
    expect(await resolveSession(other.id)).not.toBeNull();

    await completeStepUp(context, "session.revoke", { sessionId: other.id, device: "Chrome 130 on Linux" });
    await revokeOtherSession(context, other.id);
    expect(await resolveSession(other.id)).toBeNull();
    expect(await resolveSession(context.session.id)).not.toBeNull();
    expect(await auditCount("session.revoked", user.id)).toBe(1);
    expect(await db.emailOutbox.count({ where: { to: user.email, subject: "A session was signed out" } })).toBe(1);
  });

  it("refuses this session, another user's session and unknown ids alike", async () => {
    const { context } = await newStepUpUser("sessions-foreign");
    const stranger = await newSession(await newUser("stranger"));
    await expectAppError(revokeOtherSession(context, context.session.id), "NOT_FOUND");
    await expectAppError(revokeOtherSession(context, stranger.id), "NOT_FOUND");
    await expectAppError(revokeOtherSession(context, crypto.randomUUID()), "NOT_FOUND");
    expect(await resolveSession(stranger.id)).not.toBeNull();
  });

  it("signs out every other session in one step, keeping this one", async () => {
    const { user, context } = await newStepUpUser("sessions-others");
    const others = [await newSession(user), await newSession(user), await newSession(user)];
    await completeStepUp(context, "session.revoke_others", {});
    expect(await signOutOtherSessions(context)).toBe(3);
    for (const other of others) expect(await resolveSession(other.id)).toBeNull();
    expect(await resolveSession(context.session.id)).not.toBeNull();
    expect(await auditCount("session.revoked", user.id)).toBe(3);
  });
});
