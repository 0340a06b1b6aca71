"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { ApiTokenList } from "@/components/api-tokens/api-token-list";
import { Button } from "@/components/ui/button";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LiveMessage } from "@/components/ui/notice";
import { onDemand, preloadOnIntent } from "@/components/ui/on-demand";
import { MAX_ACTIVE_TOKENS } from "@/shared/api-token-limits";
import type { ApiTokenDto, ApiTokenScope } from "@/shared/api-tokens";

const CreateTokenDialog = onDemand(() => import("@/components/api-tokens/create-token-dialog").then((module) => module.CreateTokenDialog));
const RevokeTokenDialog = onDemand(() => import("@/components/api-tokens/revoke-token-dialog").then((module) => module.RevokeTokenDialog));

type ApiTokensSectionProps = {
  heading: CardHeading;
  tokens: ApiTokenDto[];
  /** The scopes this account may grant (admin-only ones for admins). */
  scopes: ApiTokenScope[];
};

export function ApiTokensSection({ heading, tokens, scopes }: ApiTokensSectionProps) {
  const t = useTranslations("security");
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const createRef = useRef<HTMLButtonElement>(null);
  const active = tokens.filter((token) => token.status === "active").length;
  const atLimit = active >= MAX_ACTIVE_TOKENS;

  return (
    <Card
      {...heading}
      action={
        <Button
          ref={createRef}
          disabled={atLimit}
          className="shrink-0"
          aria-haspopup="dialog"
          aria-expanded={creating}
          onClick={() => setCreating(true)}
          {...preloadOnIntent(CreateTokenDialog)}
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="currentColor">
            <path d="M10 4a1 1 0 0 1 1 1v4h4a1 1 0 1 1 0 2h-4v4a1 1 0 1 1-2 0v-4H5a1 1 0 1 1 0-2h4V5a1 1 0 0 1 1-1Z" />
          </svg>
          {t("tokens.create.submit")}
        </Button>
      }
    >
      <CardBody className="space-y-4">
        <p className="text-sm text-slate-600">
          {t.rich(atLimit ? "tokens.summaryAtLimit" : "tokens.summary", {
            active,
            max: MAX_ACTIVE_TOKENS,
            strong: (chunks) => <span className="font-semibold text-slate-900 tabular-nums">{chunks}</span>,
          })}
        </p>
        {/* Focus lands here after a revoke: the row's button the dialog would return to is gone. */}
        <div ref={noticeRef} tabIndex={-1} className="outline-none!">
          <LiveMessage tone="success" message={notice} />
        </div>
        <ApiTokenList
          tokens={tokens}
          revokeIntent={preloadOnIntent(RevokeTokenDialog)}
          onRevoke={(token) => {
            setNotice(null);
            setRevoking(token);
          }}
        />
      </CardBody>
      {creating && <CreateTokenDialog scopes={scopes} onClose={() => setCreating(false)} opener={createRef} />}
      {revoking && (
        <RevokeTokenDialog
          key={revoking.id}
          token={revoking}
          onClose={() => setRevoking(null)}
          focusAfterRevoke={noticeRef}
          onRevoked={(message) => {
            setRevoking(null);
            setNotice(message);
            router.refresh();
          }}
        />
      )}
    </Card>
  );
}
