"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { ApiTokenList } from "@/components/api-tokens/api-token-list";
import { CreateTokenDialog } from "@/components/api-tokens/create-token-dialog";
import { RevokeTokenDialog } from "@/components/api-tokens/revoke-token-dialog";
import { Card, CardBody, type CardHeading } from "@/components/ui/card";
import { LiveMessage } from "@/components/ui/notice";
import { MAX_ACTIVE_TOKENS, type ApiTokenDto, type ApiTokenScope } from "@/shared/api-tokens";

type ApiTokensSectionProps = {
  heading: CardHeading;
  tokens: ApiTokenDto[];
  /** The scopes this account may grant (admin-only ones for admins). */
  scopes: ApiTokenScope[];
};

export function ApiTokensSection({ heading, tokens, scopes }: ApiTokensSectionProps) {
  const t = useTranslations("security");
  const router = useRouter();
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const active = tokens.filter((token) => token.status === "active").length;
  const atLimit = active >= MAX_ACTIVE_TOKENS;

  return (
    <Card {...heading} action={<CreateTokenDialog disabled={atLimit} scopes={scopes} />}>
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
          onRevoke={(token) => {
            setNotice(null);
            setRevoking(token);
          }}
        />
      </CardBody>
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
