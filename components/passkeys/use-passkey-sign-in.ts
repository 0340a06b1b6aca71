"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useCallback, useEffect, useRef, useState } from "react";
import { passkeySignInAction, passkeySignInOptionsAction } from "@/actions/passkeys";
import { abortCeremony, ceremonyFailureMessage, getPasskeyAssertion, loadWebAuthn } from "@/components/passkeys/webauthn";
import { callAction } from "@/components/step-up/call-action";
import { initialActionState } from "@/shared/action-state";

type Message = { tone: "error" | "info"; text: string };

/**
 * Signing in with a passkey, two ways: the button (options → the browser's prompt → the sign-in
 * action, which redirects), and the browser's own suggestions on the email field (conditional
 * mediation, started on mount where supported and aborted on unmount). `onAttempt` runs whenever
 * either starts, so the form knows whose message is current.
 */
export function usePasskeySignIn({ next, onAttempt }: { next?: string; onAttempt: () => void }) {
  const t = useTranslations("auth");
  const tErrors = useTranslations("errors");
  // A form action, not a plain call: the redirect it ends with is the router's to follow.
  const [state, dispatch, sending] = useActionState(passkeySignInAction, initialActionState);
  const [step, setStep] = useState<"idle" | "options" | "prompt" | "sent">("idle");
  const [message, setMessage] = useState<Message | null>(null);
  // Restarts the autofill ceremony that the button's own ceremony aborted.
  const [autofillRound, setAutofillRound] = useState(0);
  const ceremony = useRef<"autofill" | "button" | null>(null);

  const send = useCallback(
    (response: string) => {
      setMessage(null);
      setStep("sent");
      startTransition(() => dispatch({ response, ...(next && { next }) }));
    },
    [dispatch, next],
  );

  // Re-run after each refusal (`state`), so the suggestions are offered again.
  useEffect(() => {
    let current = true;
    void (async () => {
      const webauthn = await loadWebAuthn().catch(() => null);
      if (!current || !webauthn || !(await webauthn.browserSupportsWebAuthnAutofill())) return;
      const options = await callAction(passkeySignInOptionsAction, {});
      if (!current || !options.ok || !options.data) return;
      ceremony.current = "autofill";
      const assertion = await getPasskeyAssertion(options.data.options, { autofill: true });
      if (ceremony.current === "autofill") ceremony.current = null;
      // Suggestions are offered, not asked for: dismissing them needs no word.
      if (!current || !assertion.ok) return;
      onAttempt();
      send(assertion.response);
    })();
    return () => {
      current = false;
      if (ceremony.current === "autofill") abortCeremony();
    };
  }, [autofillRound, state, onAttempt, send]);

  useEffect(
    () => () => {
      if (ceremony.current) abortCeremony();
    },
    [],
  );

  const signIn = async () => {
    onAttempt();
    setMessage(null);
    setStep("options");
    const options = await callAction(passkeySignInOptionsAction, {});
    if (!options.ok || !options.data) {
      setStep("idle");
      return setMessage({ tone: "error", text: options.message ?? tErrors("INTERNAL") });
    }
    setStep("prompt");
    ceremony.current = "button";
    const assertion = await getPasskeyAssertion(options.data.options);
    ceremony.current = null;
    if (assertion.ok) return send(assertion.response);
    setStep("idle");
    setAutofillRound((round) => round + 1);
    if (assertion.reason === "aborted") return;
    setMessage(
      assertion.reason === "cancelled"
        ? { tone: "info", text: t("passkey.signInCancelled") }
        : { tone: "error", text: ceremonyFailureMessage(t, assertion.reason === "known" ? "failed" : assertion.reason) },
    );
  };

  const refused = step === "sent" && !sending && !state.ok && state.message ? state.message : null;
  return {
    signIn,
    pending: step === "options" || step === "prompt" || sending,
    waiting: step === "prompt",
    error: refused ?? (message?.tone === "error" ? message.text : null),
    notice: refused ? null : message?.tone === "info" ? message.text : null,
  };
}
