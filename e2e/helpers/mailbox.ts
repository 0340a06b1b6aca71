import { expect, type APIRequestContext } from "@playwright/test";

/** The dev mailbox's JSON API (`GET /dev/mailbox/messages?to=…`, newest first). */

export type MailboxMessage = { id: string; to: string; subject: string; text: string; html: string; createdAt: string };

export async function listMessages(request: APIRequestContext, to: string): Promise<MailboxMessage[]> {
  const response = await request.get(mailboxUrl(to));
  expect(response.status(), "dev mailbox API status").toBe(200);
  return (await response.json()) as MailboxMessage[];
}

function mailboxUrl(to: string): string {
  return `/dev/mailbox/messages?to=${encodeURIComponent(to)}`;
}

/**
 * Polls until `to` has more than `after` messages, then returns the newest. With `match`, only the
 * messages it accepts count (e.g. code emails, when notifications arrive in between).
 */
export async function waitForMessage(
  request: APIRequestContext,
  to: string,
  options: { after?: number; timeout?: number; match?: (message: MailboxMessage) => boolean } = {},
): Promise<MailboxMessage> {
  const { after = 0, timeout = 20_000, match = () => true } = options;
  let messages: MailboxMessage[] = [];
  await expect
    .poll(
      async () => {
        // The development server may answer one poll with an error while it recompiles: poll again.
        const response = await request.get(mailboxUrl(to));
        if (response.status() !== 200) return -1;
        messages = ((await response.json()) as MailboxMessage[]).filter(match);
        return messages.length;
      },
      { message: `waiting for email number ${after + 1} to ${to}`, timeout },
    )
    .toBeGreaterThan(after);
  const newest = messages[0];
  if (!newest) throw new Error(`no message for ${to}`);
  return newest;
}

export function extractCode(text: string): string {
  const match = /(?<!\d)(\d{6})(?!\d)/.exec(text);
  if (!match?.[1]) throw new Error(`no 6-digit code in message:\n${text}`);
  return match[1];
}

export async function waitForCode(request: APIRequestContext, to: string, options?: { after?: number; timeout?: number }): Promise<string> {
  return extractCode((await waitForMessage(request, to, options)).text);
}
