import "server-only";
import { render } from "@react-email/render";
import type { ReactElement } from "react";
import { Resend } from "resend";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { errorName, log } from "@/lib/log";

type SendEmailError = "EMAIL_SEND_FAILED" | "EMAIL_TIMEOUT";
export type SendResult = { ok: true; id: string } | { ok: false; error: SendEmailError };

export type OutgoingEmail = {
  to: string;
  subject: string;
  react?: ReactElement;
  html?: string;
  text: string;
  /** Resend keeps one email per key for 24 h, so a retried send is never delivered twice. */
  idempotencyKey?: string;
};

const MAX_ADDRESS_LENGTH = 254;
// One plain address only: a comma, semicolon, angle bracket or line break could add recipients or headers.
const SINGLE_ADDRESS = /^[^\s@",;<>()[\]\\\u0000-\u001f\u007f]+@[^\s@",;<>()[\]\\\u0000-\u001f\u007f]+$/;

function isSendableAddress(to: string): boolean {
  return to.length <= MAX_ADDRESS_LENGTH && SINGLE_ADDRESS.test(to);
}

export async function sendEmail(message: OutgoingEmail): Promise<SendResult> {
  if (!isSendableAddress(message.to)) {
    log("warn", "email.rejected", { reason: "invalid_recipient" });
    return { ok: false, error: "EMAIL_SEND_FAILED" };
  }
  const env = getEnv();
  let html: string;
  try {
    html = message.react ? await render(message.react) : (message.html ?? "");
  } catch (error) {
    log("error", "email.render_failed", { error: errorName(error) });
    return { ok: false, error: "EMAIL_SEND_FAILED" };
  }
  return env.devMailbox
    ? storeInDevMailbox({ to: message.to, subject: message.subject, text: message.text, html })
    : sendWithResend({ ...message, html }, env.RESEND_API_KEY ?? "", env.EMAIL_FROM, env.EMAIL_SEND_TIMEOUT_MS);
}

async function storeInDevMailbox(data: { to: string; subject: string; text: string; html: string }): Promise<SendResult> {
  try {
    const stored = await db.mailboxMessage.create({ data, select: { id: true } });
    return { ok: true, id: stored.id };
  } catch (error) {
    log("error", "email.send_failed", { provider: "dev-mailbox", error: errorName(error) });
    return { ok: false, error: "EMAIL_SEND_FAILED" };
  }
}

let resend: { apiKey: string; client: Resend } | undefined;

function resendClient(apiKey: string): Resend {
  // The SDK reads RESEND_BASE_URL once, in its constructor.
  if (resend?.apiKey !== apiKey) resend = { apiKey, client: new Resend(apiKey) };
  return resend.client;
}

const TIMED_OUT = Symbol("timed out");

async function sendWithResend(
  message: OutgoingEmail & { html: string },
  apiKey: string,
  from: string,
  timeoutMs: number,
): Promise<SendResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      resolve(TIMED_OUT);
      controller.abort();
    }, timeoutMs);
  });
  const payload = { from, to: message.to, subject: message.subject, text: message.text, ...(message.html ? { html: message.html } : {}) };

  try {
    const request = resendClient(apiKey).emails.send(payload, { idempotencyKey: message.idempotencyKey, signal: controller.signal });
    // Promise.race subscribes to `request`, so a late rejection after a timeout is never unhandled.
    const outcome = await Promise.race([request, timeout]);
    if (outcome === TIMED_OUT) {
      log("error", "email.send_failed", { provider: "resend", error: "timeout", timeoutMs });
      return { ok: false, error: "EMAIL_TIMEOUT" };
    }
    if (outcome.error || !outcome.data) {
      log("error", "email.send_failed", {
        provider: "resend",
        error: outcome.error?.name ?? "empty_response",
        status: outcome.error?.statusCode ?? null,
      });
      return { ok: false, error: "EMAIL_SEND_FAILED" };
    }
    return { ok: true, id: outcome.data.id };
  } catch (error) {
    log("error", "email.send_failed", { provider: "resend", error: errorName(error) });
    return { ok: false, error: "EMAIL_SEND_FAILED" };
  } finally {
    clearTimeout(timer);
  }
}
