import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { deliverDueEmails } from "@/lib/email/outbox";
import { resendChallenge } from "@/lib/step-up/challenges";
import { ageCode, ageRateLimits, completeStepUp, newStepUpUser, stepUpEmails, tokenRequest } from "@/test/helpers/step-up";
import { FakeResend } from "@/tooling/fake-resend";

// The app in the child talks to the fake Resend; this process plays the restarted instance.
const fake = new FakeResend();

beforeAll(async () => {
  await fake.start();
});

afterAll(async () => {
  await fake.close();
  await disconnectDb();
});

function runTarget(
  scenario: "send" | "change",
  sessionId: string,
  name: string,
): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./scripts/server-only-hook.mjs", "test/fixtures/crash-target.ts", scenario, sessionId, name],
    {
      env: {
        ...process.env,
        RESEND_API_KEY: "re_crash_test",
        RESEND_BASE_URL: fake.url,
        EMAIL_SEND_TIMEOUT_MS: "60000",
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  return { child, exited };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const printed = (child: ChildProcess, text: string) =>
  new Promise<void>((resolve) => child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes(text) && resolve()));

describe("the app process killed (SIGKILL) mid-flow", () => {
  it("between creating a challenge and sending its email: challenge and audit row exist together, and the user can get a code after restart", async () => {
    fake.reset();
    fake.setMode("hang");
    const { user, context } = await newStepUpUser("kill-send");
    const { child, exited } = runTarget("send", context.session.id, "kill-send");
    await until(async () => fake.requests.length > 0);
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const challenges = await db.stepUpChallenge.findMany({ where: { userId: user.id }, select: { id: true } });
    expect(challenges).toHaveLength(1);
    expect(await db.auditEvent.count({ where: { actorId: user.id, type: "step_up.challenge_sent" } })).toBe(1);
    expect(fake.delivered).toHaveLength(0);

    // Restarted: the modal's "send a new code" works once the cooldown has passed, and sends exactly one email.
    fake.setMode("ok");
    const [challenge] = challenges;
    if (!challenge) throw new Error("no challenge");
    await ageCode(challenge.id, 61);
    await ageRateLimits(`step-up:`, 61);
    await resendChallenge(context, challenge.id);
    expect(await stepUpEmails(user.email)).toHaveLength(1);
  }, 60_000);

  it("around committing a change: token, audit row and notice exist together or not at all, whenever the kill lands", async () => {
    fake.reset();
    const { user, context } = await newStepUpUser("kill-change");
    await completeStepUp(context, "api_token.create", tokenRequest("kill-0"));
    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      const { child, exited } = runTarget("change", context.session.id, `kill-${round}`);
      // From "before the transaction" to "after commit, before answering" (the last round).
      if (round === rounds - 1) await printed(child, "done");
      else {
        await printed(child, "ready");
        await new Promise((resolve) => setTimeout(resolve, round * 60));
      }
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      const tokens = await db.apiToken.count({ where: { userId: user.id, name: `kill-${round}` } });
      const audits = await db.auditEvent.count({
        where: { actorId: user.id, type: "api_token.created", metadata: { path: ["name"], equals: `kill-${round}` } },
      });
      const notices = await db.emailOutbox.count({
        where: { to: user.email, data: { path: ["values", "name"], equals: `kill-${round}` } },
      });
      expect([tokens, audits, notices], `round ${round}`).toSatisfy(([a, b, c]: number[]) => a === b && b === c && (a === 0 || a === 1));
      if (round === rounds - 1) expect(tokens).toBe(1);
    }

    // After the restart, every queued notice goes out, once.
    const created = await db.apiToken.count({ where: { userId: user.id } });
    await deliverDueEmails();
    await deliverDueEmails();
    const notices = (await listMailboxMessages({ to: user.email, limit: 100 })).filter(
      (message) => message.subject === "A new API token was created",
    );
    expect(notices).toHaveLength(created);
  }, 120_000);
});
