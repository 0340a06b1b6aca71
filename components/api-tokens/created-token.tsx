"use client";

import { OneTimeSecret } from "@/components/ui/one-time-secret";

/** The one and only view of a new token's plaintext. */
export function CreatedToken({ token, onDone }: { token: string; onDone: () => void }) {
  return (
    <OneTimeSecret
      value={token}
      noun="token"
      label="Your new token"
      advice={<>Store it in a password manager or your CI&apos;s secret settings.</>}
      onDone={onDone}
    />
  );
}
