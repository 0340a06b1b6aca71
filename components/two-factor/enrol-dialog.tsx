"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useId, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { confirmTwoFactorEnrolmentAction } from "@/actions/two-factor";
import { CodeField } from "@/components/forms/code-field";
import { useFocusField } from "@/components/forms/use-focus-field";
import { useZodResolver } from "@/components/forms/use-zod-resolver";
import { RecoveryCodesModal } from "@/components/two-factor/recovery-codes";
import { Button } from "@/components/ui/button";
import { CopyButton, selectContents } from "@/components/ui/copy-button";
import { DialogActions, Modal, ModalIcon } from "@/components/ui/dialog";
import { LiveMessage } from "@/components/ui/notice";
import { secondsUntil, useNow } from "@/components/ui/use-now";
import { errorMessage } from "@/shared/errors";
import { confirmEnrolmentSchema, type EnrolmentDto } from "@/shared/two-factor";

const codeFormSchema = confirmEnrolmentSchema.pick({ code: true });
type CodeForm = { code: string };

type EnrolDialogProps = {
  enrolment: EnrolmentDto;
  accountEmail: string;
  /** The dialog closed: `enabled` once 2FA is on and the codes were saved, false if the set-up was abandoned. */
  onClose: (enabled: boolean) => void;
};

/**
 * Turning 2FA on, after step-up: scan the QR code (or type the key), prove the app has the
 * secret with one code, then save the recovery codes shown once.
 */
export function EnrolDialog({ enrolment, accountEmail, onClose }: EnrolDialogProps) {
  const t = useTranslations("security");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const enabled = recoveryCodes !== null;
  return (
    // Once 2FA is on, only "Done" (after ticking "I have saved these codes") closes the dialog.
    <Dialog.Root open onOpenChange={(open) => !open && !enabled && onClose(false)}>
      {recoveryCodes ? (
        <RecoveryCodesModal
          title={t("twoFactor.enrol.codesTitle")}
          description={t("twoFactor.enrol.codesDescription")}
          codes={recoveryCodes}
          accountEmail={accountEmail}
          onDone={() => onClose(true)}
        />
      ) : (
        <SetUpPanel enrolment={enrolment} onEnabled={setRecoveryCodes} />
      )}
    </Dialog.Root>
  );
}

type Failure = { message: string; final?: boolean };

function SetUpPanel({ enrolment, onEnabled }: { enrolment: EnrolmentDto; onEnabled: (codes: string[]) => void }) {
  const t = useTranslations("security");
  const te = useTranslations("errors");
  const keyId = useId();
  const keyRef = useRef<HTMLElement>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [pending, setPending] = useState(false);
  const now = useNow();
  const form = useForm<CodeForm>({ resolver: useZodResolver<CodeForm>(codeFormSchema), defaultValues: { code: "" } });
  const expired = secondsUntil(enrolment.expiresAt, now) === 0;
  const usable = !expired && !failure?.final;
  const focus = useFocusField(form);

  const confirm = form.handleSubmit(async ({ code }) => {
    setFailure(null);
    setPending(true);
    const result = await confirmTwoFactorEnrolmentAction({ ok: false }, { enrolmentId: enrolment.enrolmentId, code }).catch(() => null);
    setPending(false);
    if (result?.ok && result.data) return onEnabled(result.data.recoveryCodes);
    form.reset({ code: "" });
    if (!result) return setFailure({ message: errorMessage(te, "UNAVAILABLE") });
    if (result.code === "CODE_EXPIRED") return setFailure({ message: t("twoFactor.enrol.expired"), final: true });
    if (result.code === "TOO_MANY_ATTEMPTS") return setFailure({ message: t("twoFactor.enrol.tooManyAttempts"), final: true });
    if (result.code === "CODE_INVALID" && result.attemptsLeft) {
      setFailure({ message: t("twoFactor.enrol.mismatch", { attemptsLeft: result.attemptsLeft }) });
    } else {
      setFailure({ message: result.message ?? errorMessage(te, "INTERNAL") });
    }
    focus("code");
  });

  return (
    <Modal
      className="sm:max-w-lg"
      title={t("twoFactor.enrol.title")}
      description={t("twoFactor.enrol.description")}
      dismissible={!pending}
      onPointerDownOutside={(event) => event.preventDefault()}
      // The section decides where focus goes: the dialog's content is swapped for the codes on success.
      onCloseAutoFocus={(event) => event.preventDefault()}
      icon={
        <ModalIcon>
          <rect x="6" y="2.5" width="12" height="19" rx="2.5" />
          <path d="M10.5 18.5h3" />
        </ModalIcon>
      }
    >
      <div className="space-y-6">
        <section aria-labelledby={`${keyId}-scan`} className="space-y-3">
          <h3 id={`${keyId}-scan`} className="text-sm font-semibold text-slate-900">
            {t("twoFactor.enrol.scanHeading")}
          </h3>
          <div
            role="img"
            aria-label={t("twoFactor.enrol.qrLabel")}
            className="mx-auto size-44 rounded-lg bg-surface p-2 ring-1 ring-slate-200 [&>svg]:block [&>svg]:size-full"
            // Generated on our server by the qrcode package from our own otpauth:// URI: no user-supplied markup.
            dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }}
          />
        </section>
        <section aria-labelledby={`${keyId}-manual`} className="space-y-2">
          <h3 id={`${keyId}-manual`} className="text-sm font-semibold text-slate-900">
            {t("twoFactor.enrol.manualHeading")}
          </h3>
          <figure aria-labelledby={keyId} className="space-y-1.5">
            <figcaption id={keyId} className="text-sm text-slate-700">
              {t("twoFactor.enrol.keyCaption")}
            </figcaption>
            {/* Wraps between groups on narrow screens; one tap selects the whole key. */}
            <code
              ref={keyRef}
              className="block rounded-md bg-slate-50 px-3 py-2.5 text-center font-mono text-base tracking-wider break-words text-slate-900 ring-1 ring-slate-300 select-all ring-inset"
            >
              {enrolment.manualKey}
            </code>
            <p className="text-xs text-slate-600">{t("twoFactor.enrol.keyHint")}</p>
          </figure>
          <CopyButton
            text={enrolment.manualKey.replace(/\s/g, "")}
            onCopyFailed={() => {
              selectContents(keyRef.current);
              return t("twoFactor.enrol.copyKeyFailed");
            }}
          >
            {t("twoFactor.enrol.copyKey")}
          </CopyButton>
        </section>
        <form onSubmit={confirm} noValidate className="space-y-4 border-t border-slate-200 pt-5">
          <h3 className="text-sm font-semibold text-slate-900">{t("twoFactor.enrol.codeHeading")}</h3>
          <LiveMessage tone="error" message={failure?.message ?? (expired ? t("twoFactor.enrol.expired") : null)} />
          <CodeField form={form} name="code" label={t("twoFactor.enrol.codeLabel")} disabled={!usable} />
          <DialogActions busy={pending}>
            <Button type="submit" pending={pending} pendingText={t("twoFactor.enrol.checking")} disabled={!usable}>
              {t("twoFactor.turnOn")}
            </Button>
          </DialogActions>
        </form>
      </div>
    </Modal>
  );
}
