import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listMailboxMessages } from "@/lib/email/mailbox";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Dev mailbox", robots: { index: false, follow: false } };

const timeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

export default async function DevMailboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!getEnv().devMailbox) notFound();
  const { to: rawTo } = await searchParams;
  const to = (Array.isArray(rawTo) ? rawTo[0] : rawTo)?.trim() || undefined;
  const messages = await listMailboxMessages({ to });

  return (
    <main className="mx-auto w-full max-w-4xl px-4 py-10">
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">Dev mailbox</h1>
        <p className="mt-1 text-sm text-slate-600">
          Emails the app would have sent. This page exists only in development, when no Resend API key is configured.
        </p>
      </header>

      <form method="get" className="mb-8 flex flex-wrap items-end gap-3" role="search">
        <label className="flex min-w-64 flex-1 flex-col gap-1 text-sm font-medium">
          Recipient
          <input
            type="email"
            name="to"
            defaultValue={to}
            placeholder="user@example.com"
            className="rounded-md border border-slate-300 px-3 py-2 font-normal focus:outline-2 focus:outline-offset-2 focus:outline-blue-600"
          />
        </label>
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 dark:hover:bg-indigo-500"
        >
          Filter
        </button>
        {to ? (
          <a href="/dev/mailbox" className="px-2 py-2 text-sm text-blue-700 underline">
            Show all
          </a>
        ) : null}
      </form>

      {messages.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
          {to ? `No messages for ${to}.` : "No messages yet."}
        </p>
      ) : (
        <ol className="flex flex-col gap-6" aria-label="Messages, newest first">
          {messages.map((message) => (
            <li key={message.id}>
              <article
                className="overflow-hidden rounded-lg border border-slate-200 bg-surface shadow-sm"
                aria-labelledby={`subject-${message.id}`}
              >
                <header className="border-b border-slate-200 px-4 py-3">
                  <h2 id={`subject-${message.id}`} className="font-medium">
                    {message.subject}
                  </h2>
                  <p className="mt-0.5 text-sm text-slate-600">
                    To <span className="font-mono">{message.to}</span> ·{" "}
                    <time dateTime={message.createdAt.toISOString()}>{timeFormat.format(message.createdAt)} UTC</time>
                  </p>
                </header>
                <pre className="overflow-x-auto px-4 py-3 font-mono text-sm whitespace-pre-wrap">{message.text}</pre>
                <details className="border-t border-slate-200 px-4 py-3">
                  <summary className="cursor-pointer text-sm font-medium text-blue-700">HTML</summary>
                  <iframe
                    title={`HTML version of “${message.subject}”`}
                    srcDoc={message.html}
                    sandbox=""
                    className="mt-3 h-[28rem] w-full rounded border border-slate-200 bg-surface"
                  />
                </details>
              </article>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
