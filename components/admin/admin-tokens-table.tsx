"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { adminRevokeApiTokenAction } from "@/actions/api-tokens";
import { AdminTable } from "@/components/admin/admin-table";
import { RevokeTokenDialog } from "@/components/api-tokens/revoke-token-dialog";
import { Button } from "@/components/ui/button";
import { LiveMessage } from "@/components/ui/notice";
import { type AdminApiTokenDto } from "@/shared/api-tokens";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const day = (iso: string | null) => (iso ? dateFormat.format(new Date(iso)) : "Never");

export function AdminTokensTable({ tokens }: { tokens: AdminApiTokenDto[] }) {
  const router = useRouter();
  const [revoking, setRevoking] = useState<AdminApiTokenDto | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const status = useRef<HTMLDivElement>(null);

  return (
    <div className="space-y-3">
      <div ref={status} tabIndex={-1} className="outline-none">
        <LiveMessage tone="success" message={message} />
      </div>
      <AdminTable
        caption="API tokens of every user"
        headings={["Owner", "Name", "Prefix", "Scopes", "Created", "Expires", "Last used", "Status"]}
        actionsColumn
        empty={tokens.length === 0 ? "No tokens match these filters." : null}
      >
        {tokens.map((token) => (
          <tr key={token.id}>
            <td className="max-w-48 px-3 py-2 [overflow-wrap:anywhere]">{token.ownerEmail}</td>
            <td className="max-w-40 truncate px-3 py-2" title={token.name}>
              {token.name}
            </td>
            <td className="px-3 py-2 font-mono text-xs">{token.displayPrefix}…</td>
            <td className="px-3 py-2 font-mono text-xs">{token.scopes.join(", ")}</td>
            <td className="px-3 py-2 whitespace-nowrap">{day(token.createdAt)}</td>
            <td className="px-3 py-2 whitespace-nowrap">{day(token.expiresAt)}</td>
            <td className="px-3 py-2 whitespace-nowrap">{day(token.lastUsedAt)}</td>
            <td className="px-3 py-2 capitalize">{token.status}</td>
            <td className="px-3 py-2 text-right">
              {token.status === "active" && (
                <Button variant="ghost" aria-label={`Revoke ${token.ownerEmail}'s token ${token.name}`} onClick={() => setRevoking(token)}>
                  Revoke
                </Button>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
      {revoking && (
        <RevokeTokenDialog
          token={revoking}
          revokeAction={adminRevokeApiTokenAction}
          focusAfterRevoke={status}
          onClose={() => setRevoking(null)}
          onRevoked={(text) => {
            setRevoking(null);
            setMessage(text);
            router.refresh();
          }}
        />
      )}
    </div>
  );
}
