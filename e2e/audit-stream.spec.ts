import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { randomEmail, signInThroughUi, STRONG_PASSWORD } from "./helpers/accounts";
import { codeEmails, enterCode, stepUpDialog, waitForCodeEmail } from "./helpers/api-tokens";
import { expectNoSeriousA11yViolations } from "./helpers/axe";
import { closeDb, createUser, query, type TestUser } from "./helpers/db";

/** What the SIEM at the other end saw: each request as it arrived. */
type Received = { headers: IncomingHttpHeaders; body: string };

/** A stand-in SIEM collector on 127.0.0.1 (a random port), answering every POST with 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/ingest/audit`, received, server };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;

test.beforeAll(async () => {
  receiver = await startReceiver();
  // This spec is the only one that adds destinations on the e2e server: start from the empty page.
  await query("DELETE FROM audit_stream_destinations");
});

test.afterAll(async () => {
  // Other tests may have added destinations pointing here; nothing of ours is left behind.
  await query("DELETE FROM audit_stream_destinations WHERE url = $1", [receiver.url]);
  await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  await closeDb();
});

// A fresh admin per run: each run spends a step-up code, and the seeded admin's hourly budget would run out.
async function createAdmin(): Promise<TestUser> {
  const admin = await createUser({ email: randomEmail("stream-admin"), password: STRONG_PASSWORD });
  await query("UPDATE users SET role = 'ADMIN' WHERE id = $1", [admin.id]);
  return admin;
}

/** The page has no form until a dialog opens: wait for React to own the "Add destination" button instead. */
async function gotoStreaming(page: Page): Promise<void> {
  await page.goto("/admin/streaming");
  await expect(page.getByRole("heading", { level: 1, name: "Audit streaming" })).toBeVisible();
  await page.waitForFunction(() =>
    [...document.querySelectorAll("button")].some(
      (button) => button.textContent?.includes("Add destination") && Object.keys(button).some((key) => key.startsWith("__reactProps$")),
    ),
  );
}

const destinationCard = (page: Page, name: string): Locator => page.getByRole("region", { name, exact: true });
const actionsOf = (card: Locator, name: string): Locator => card.getByRole("group", { name: `Actions for ${name}` });

/** Throws unless the request is signed with `secret` (Standard Webhooks); a body of several JSON lines is checked, not parsed. */
function verify(secret: string, request: Received): void {
  const headers = Object.fromEntries(
    ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, String(request.headers[name] ?? "")]),
  );
  new Webhook(secret).verify(request.body, headers, { jsonParse: false });
}

test("an admin adds a destination behind step-up, sees its secret once, sends a signed test event, pauses, resumes, edits and deletes it", async ({
  page,
}) => {
  const admin = await createAdmin();
  const name = `SIEM ${Date.now().toString(36)}`;
  await signInThroughUi(page, admin);
  await gotoStreaming(page);
  await expect(page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit streaming" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  await expect(page.getByRole("region", { name: "No stream destinations yet" })).toContainText("docs/streaming.md");
  await expectNoSeriousA11yViolations(page);

  // --- Add: the form's own checks first, then step-up with the emailed code.
  await page.getByRole("button", { name: "Add destination" }).click();
  const addDialog = page.getByRole("dialog", { name: "Add a stream destination" });
  await expect(addDialog).toBeVisible();
  await expect(addDialog.getByLabel("Batch size")).toHaveValue("100");
  await expect(addDialog.getByRole("radio", { name: /New events only/ })).toBeChecked();
  await expectNoSeriousA11yViolations(page);

  await addDialog.getByLabel("Name").fill(name);
  await addDialog.getByLabel("Endpoint URL").fill("not a url");
  await addDialog.getByLabel("Batch size").fill("5000");
  await addDialog.getByRole("button", { name: "Add destination" }).click();
  const urlField = addDialog.getByLabel("Endpoint URL");
  await expect(urlField).toHaveAttribute("aria-invalid", "true");
  await expect(urlField).toBeFocused();
  await expect(addDialog.getByLabel("Batch size")).toHaveAttribute("aria-invalid", "true");
  expect(await codeEmails(page.request, admin.email)).toHaveLength(0);

  await urlField.fill(receiver.url);
  await addDialog.getByLabel("Batch size").fill("50");
  await addDialog.getByRole("button", { name: "Add destination" }).click();
  await expect(stepUpDialog(page)).toBeVisible();
  await enterCode(page, (await waitForCodeEmail(page.request, admin.email)).code);

  // --- The secret, once.
  const addedDialog = page.getByRole("dialog", { name: `Destination "${name}" added` });
  await expect(addedDialog).toBeVisible();
  const secretField = addedDialog.getByLabel("Signing secret");
  await expect(secretField).toBeFocused();
  await expect(secretField).toHaveValue(/^whsec_[A-Za-z0-9+/=]+$/);
  const secret = await secretField.inputValue();
  await expectNoSeriousA11yViolations(page);
  await addedDialog.getByRole("button", { name: "Done" }).click();
  await expect(addedDialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Add destination" })).toBeFocused();
  expect(await page.content()).not.toContain(secret);
  // Reopening starts a blank form; the secret is nowhere to be had again.
  await page.getByRole("button", { name: "Add destination" }).click();
  await expect(addDialog.getByLabel("Name")).toHaveValue("");
  await addDialog.getByRole("button", { name: "Cancel" }).click();
  await expect(addDialog).toBeHidden();
  await page.reload();
  expect(await page.content()).not.toContain(secret);
  const [row] = await query<{ id: string; secret_sealed: string; batch_size: number }>(
    "SELECT id, secret_sealed, batch_size FROM audit_stream_destinations WHERE name = $1",
    [name],
  );
  if (!row) throw new Error(`no destination named ${name}`);
  expect(row.batch_size).toBe(50);
  expect(row.secret_sealed).not.toContain(secret.replace(/^whsec_/, ""));
  const destinationId = row.id;

  // --- The listing.
  await gotoStreaming(page);
  const card = destinationCard(page, name);
  await expect(card).toContainText("Active");
  await expect(card).toContainText(receiver.url);
  await expect(card).toContainText("50 events per request");
  await expectNoSeriousA11yViolations(page);

  // --- A test event (no step-up), signed with the secret just shown.
  const before = receiver.received.length;
  const codesSoFar = (await codeEmails(page.request, admin.email)).length;
  await actionsOf(card, name).getByRole("button", { name: "Send test event" }).click();
  await expect(card.getByRole("status")).toContainText("Test event delivered: the receiver answered HTTP 200.");
  await expect(stepUpDialog(page)).toBeHidden();
  // Batches of real events may arrive meanwhile (this destination streams new events): the test event is its own request.
  const isTest = (request: Received) => request.body.includes('"action":"audit_stream.test"');
  await expect.poll(() => receiver.received.slice(before).filter(isTest).length).toBe(1);
  const testRequest = receiver.received.slice(before).find(isTest);
  if (!testRequest) throw new Error("the test event never arrived");
  expect(testRequest.headers["content-type"]).toBe("application/x-ndjson");
  expect(() => verify(secret, testRequest)).not.toThrow();
  expect(testRequest.headers["webhook-id"]).toMatch(/^msg_/);
  const lines = testRequest.body.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0] ?? "")).toMatchObject({ event: { action: "audit_stream.test" }, user: { id: admin.id, email: admin.email } });
  // Signed with this secret and no other; every real batch that came is signed with it too.
  expect(() => verify(`whsec_${Buffer.from("not the secret, 32 bytes long!!!").toString("base64")}`, testRequest)).toThrow();
  for (const request of receiver.received) expect(() => verify(secret, request)).not.toThrow();

  // --- Pause and resume: the add's verification opened the admin sudo window, so no new code.
  await actionsOf(card, name).getByRole("button", { name: "Pause" }).click();
  await expect(card.getByRole("status")).toContainText(`"${name}" is paused.`);
  await expect(card).toContainText("Paused by an admin");
  await actionsOf(card, name).getByRole("button", { name: "Resume" }).click();
  await expect(card.getByRole("status")).toContainText(`"${name}" is resumed.`);
  await expect(card.getByText("Active", { exact: true }).first()).toBeVisible();
  await expect(card).not.toContainText("Paused by an admin");

  // --- Edit.
  const renamed = `${name} (renamed)`;
  await actionsOf(card, name).getByRole("button", { name: "Edit" }).click();
  const editDialog = page.getByRole("dialog", { name: `Edit "${name}"` });
  await expect(editDialog.getByLabel("Endpoint URL")).toHaveValue(receiver.url);
  await editDialog.getByLabel("Name").fill(renamed);
  await editDialog.getByLabel("Batch size").fill("25");
  await editDialog.getByRole("button", { name: "Save changes" }).click();
  await expect(editDialog).toBeHidden();
  // The Edit button's card re-rendered: focus is on the status line that says what happened.
  await expect(page.locator(":focus")).toContainText(`Destination "${renamed}" saved.`);
  const renamedCard = destinationCard(page, renamed);
  await expect(renamedCard).toContainText("25 events per request");

  // --- Delete, after confirming.
  await actionsOf(renamedCard, renamed).getByRole("button", { name: "Delete" }).click();
  const deleteDialog = page.getByRole("dialog", { name: `Delete "${renamed}"?` });
  await expect(deleteDialog).toContainText(receiver.url);
  await deleteDialog.getByRole("button", { name: "Delete destination" }).click();
  await expect(deleteDialog).toBeHidden();
  await expect(page.locator(":focus")).toContainText("Destination deleted.");
  await expect(renamedCard).toHaveCount(0);
  await expect(page.getByRole("region", { name: "No stream destinations yet" })).toBeVisible();
  expect(await query("SELECT id FROM audit_stream_destinations WHERE id = $1", [destinationId])).toEqual([]);
  // One code for the whole visit.
  expect(await codeEmails(page.request, admin.email)).toHaveLength(codesSoFar);

  // --- The audit trail, with this admin as the actor.
  const events = await query<{ type: string; outcome: string }>(
    "SELECT type, outcome FROM audit_events WHERE actor_id = $1 AND type LIKE 'audit_stream.%' ORDER BY id",
    [admin.id],
  );
  expect(events).toEqual(
    ["created", "test_sent", "paused", "resumed", "updated", "deleted"].map((type) => ({
      type: `audit_stream.${type}`,
      outcome: "SUCCESS",
    })),
  );
});
