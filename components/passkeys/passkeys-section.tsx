"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type RefObject } from "react";
import { addPasskeyAction, passkeyRegistrationOptionsAction } from "@/actions/passkeys";
import { PasskeyList } from "@/components/passkeys/passkey-list";
import { ceremonyFailureMessage, createPasskey, forgetPasskey } from "@/components/passkeys/webauthn";
import { callAction } from "@/components/step-up/call-action";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LiveMessage, type Tone } from "@/components/ui/notice";
import { onDemand, preloadOnIntent } from "@/components/ui/on-demand";
import { errorMessage } from "@/shared/errors";
import type { PasskeyDto } from "@/shared/passkeys";

const RenamePasskeyDialog = onDemand(() =>
  import("@/components/passkeys/rename-passkey-dialog").then((module) => module.RenamePasskeyDialog),
);
const RemovePasskeyDialog = onDemand(() =>
  import("@/components/passkeys/remove-passkey-dialog").then((module) => module.RemovePasskeyDialog),
);

type PasskeysSectionProps = {
  heading: CardHeading;
  passkeys: PasskeyDto[];
};

type Message = { tone: Tone; message: string };
type OpenDialog = { kind: "rename" | "remove"; passkey: PasskeyDto } | null;

export function PasskeysSection({ heading, passkeys }: PasskeysSectionProps) {
  const t = useTranslations("security");
  const te = useTranslations("errors");
  const ta = useTranslations("auth");
  const add = useProtectedAction(addPasskeyAction);
  // Before the step-up: fetching the options, then the browser's own prompt.
  const [preparing, setPreparing] = useState<"options" | "prompt" | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  // The dialogs open from a row's button, which is where focus goes back to (unless the row is gone).
  const opener = useRef<HTMLElement | null>(null);
  // Focus moves after the render that follows an outcome: the button may only just be enabled again.
  const [focusTarget, setFocusTarget] = useState<{ ref: RefObject<HTMLElement | null>; count: number } | null>(null);
  useEffect(() => {
    focusTarget?.ref.current?.focus();
  }, [focusTarget]);
  const focusLater = (ref: RefObject<HTMLElement | null>) => setFocusTarget((previous) => ({ ref, count: (previous?.count ?? 0) + 1 }));
  const announce = (next: Message) => {
    setMessage(next);
    focusLater(noticeRef);
  };

  const addPasskey = async () => {
    setMessage(null);
    setPreparing("options");
    const started = await callAction(passkeyRegistrationOptionsAction, {});
    if (!started.ok || !started.data) {
      setPreparing(null);
      return announce({ tone: "error", message: started.message ?? errorMessage(te, "INTERNAL") });
    }
    const { options } = started.data;
    setPreparing("prompt");
    const created = await createPasskey(options);
    setPreparing(null);
    if (!created.ok) {
      if (created.reason === "aborted") return focusLater(addRef);
      return announce(
        created.reason === "cancelled"
          ? { tone: "info", message: t("passkeys.promptClosed") }
          : { tone: "error", message: ceremonyFailureMessage(ta, created.reason) },
      );
    }
    const saved = await add.run({ response: created.response });
    // Nothing was stored, but the authenticator keeps what it made unless told otherwise.
    if (!saved.ok && saved.code !== "UNAVAILABLE") forgetPasskey(options, created.id);
    if (saved.ok) return announce({ tone: "success", message: saved.message ?? t("passkeys.added") });
    announce(
      saved.code === "CANCELLED"
        ? { tone: "info", message: t("passkeys.cancelled") }
        : { tone: "error", message: saved.message ?? errorMessage(te, "INTERNAL") },
    );
  };

  const open = (kind: "rename" | "remove", passkey: PasskeyDto, from: HTMLElement) => {
    setMessage(null);
    opener.current = from;
    setDialog({ kind, passkey });
  };

  const finish = (done: string, rowRemains: boolean) => {
    setDialog(null);
    setMessage({ tone: "success", message: done });
    if (!rowRemains) opener.current = noticeRef.current;
  };

  const returnFocus = () => opener.current?.focus();

  return (
    <Card
      {...heading}
      action={
        <Button
          ref={addRef}
          className="shrink-0"
          onClick={addPasskey}
          pending={preparing !== null || add.pending}
          pendingText={
            preparing === "prompt" ? t("passkeys.waiting") : preparing === "options" ? t("passkeys.starting") : t("passkeys.adding")
          }
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
            <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
          </svg>
          {t("passkeys.add")}
        </Button>
      }
    >
      <CardBody className="space-y-4">
        <p className="text-sm text-slate-600">{t("passkeys.intro")}</p>
        {/* Focus lands here after an outcome, and after a removal: the row's button is gone. */}
        <div ref={noticeRef} tabIndex={-1} className="outline-none!">
          <LiveMessage tone="error" message={message?.tone === "error" ? message.message : null} />
          <LiveMessage
            tone={message?.tone === "success" ? "success" : "info"}
            message={message?.tone === "error" ? null : message?.message}
          />
        </div>
        <PasskeyList
          passkeys={passkeys}
          renameIntent={preloadOnIntent(RenamePasskeyDialog)}
          removeIntent={preloadOnIntent(RemovePasskeyDialog)}
          onRename={(passkey, from) => open("rename", passkey, from)}
          onRemove={(passkey, from) => open("remove", passkey, from)}
        />
      </CardBody>
      {dialog?.kind === "rename" && (
        <RenamePasskeyDialog
          key={dialog.passkey.id}
          passkey={dialog.passkey}
          onClose={() => setDialog(null)}
          onRenamed={(done) => finish(done, true)}
          returnFocus={returnFocus}
        />
      )}
      {dialog?.kind === "remove" && (
        <RemovePasskeyDialog
          key={dialog.passkey.id}
          passkey={dialog.passkey}
          onClose={() => setDialog(null)}
          onRemoved={(done) => finish(done, false)}
          returnFocus={returnFocus}
        />
      )}
    </Card>
  );
}
