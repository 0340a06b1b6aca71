"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { signOutAction } from "@/actions/auth";
import { Button } from "@/components/ui/button";
import { initialActionState } from "@/shared/action-state";

export function SignOutButton() {
  const t = useTranslations("layout");
  const [, dispatch, pending] = useActionState(signOutAction, initialActionState);
  return (
    <form action={dispatch}>
      <Button type="submit" variant="secondary" pending={pending}>
        {t("signOut")}
      </Button>
    </form>
  );
}
