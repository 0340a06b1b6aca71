"use client";

import { OneTimeSecret } from "@/components/ui/one-time-secret";

/** The one and only view of a new destination's signing secret. */
export function CreatedSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <OneTimeSecret
      value={secret}
      noun="secret"
      label="Signing secret"
      advice={
        <>
          Give it to the receiving end, which checks each request&apos;s <code className="font-mono">webhook-signature</code> with it and
          drops anything it did not sign.
        </>
      }
      hint="A Standard Webhooks secret: any Standard Webhooks library verifies the requests with it as it is."
      onDone={onDone}
    />
  );
}
