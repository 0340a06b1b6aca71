"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useRef, useState, type RefObject } from "react";
import { adminRevokeSelectedTokensAction } from "@/actions/admin-tokens";
import { adminRevokeApiTokenAction } from "@/actions/api-tokens";
import { AdminTable } from "@/components/admin/admin-table";
import { StaleBadge } from "@/components/api-tokens/api-token-list";
import { RevokeTokenDialog } from "@/components/api-tokens/revoke-token-dialog";
import { useProtectedAction } from "@/components/step-up/use-protected-action";
import { Button } from "@/components/ui/button";
import { ConfirmModal, ModalIcon } from "@/components/ui/dialog";
import { LocalTime } from "@/components/ui/local-time";
import { LiveMessage } from "@/components/ui/notice";
import { MAX_TOKENS_PER_REVOKE, type AdminApiTokenDto } from "@/shared/api-tokens";

export function AdminTokensTable({ tokens }: { tokens: AdminApiTokenDto[] }) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  // Days in the viewer's own zone.
  const day = (iso: string | null) => (iso ? <LocalTime iso={iso} style="date" /> : tc("never"));
  const router = useRouter();
  const [revoking, setRevoking] = useState<AdminApiTokenDto | null>(null);
  const [revokingSelected, setRevokingSelected] = useState(false);
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState<string | null>(null);
  const status = useRef<HTMLDivElement>(null);

  const selectable = tokens.filter((token) => token.status === "active");
  // Read against this page's rows, so a token that was revoked or filtered away meanwhile drops out.
  const selected = selectable.filter((token) => selectedIds.has(token.id));
  const allSelected = selectable.length > 0 && selected.length === selectable.length;
  const tooMany = selected.length > MAX_TOKENS_PER_REVOKE;

  const toggle = (id: string, on: boolean) =>
    setSelectedIds((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const revoked = (text: string) => {
    setRevoking(null);
    setMessage(text);
    router.refresh();
  };

  return (
    <div className="space-y-3">
      <div ref={status} tabIndex={-1} className="outline-none">
        <LiveMessage tone="success" message={message} />
      </div>
      {selectable.length > 0 && (
        <div
          role="group"
          aria-label={t("tokens.selection.label")}
          className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl bg-surface px-4 py-3 text-sm shadow-sm ring-1 ring-slate-200"
        >
          <label className="flex items-center gap-2 font-medium text-slate-800">
            <input
              type="checkbox"
              className="size-4 rounded border-slate-300 text-indigo-700"
              checked={allSelected}
              ref={(box) => {
                if (box) box.indeterminate = selected.length > 0 && !allSelected;
              }}
              onChange={(event) => setSelectedIds(new Set(event.target.checked ? selectable.map((token) => token.id) : []))}
            />
            {t("tokens.selection.all")}
          </label>
          <span className="text-slate-600 tabular-nums" aria-live="polite">
            {t("tokens.selection.count", { count: selected.length })}
          </span>
          <Button
            variant="danger"
            className="px-3 py-1.5"
            disabled={selected.length === 0 || tooMany}
            onClick={() => {
              setMessage(null);
              setRevokingSelected(true);
            }}
          >
            {t("tokens.selection.revoke")}
          </Button>
          {tooMany && <span className="text-red-700">{t("tokens.selection.tooMany", { max: MAX_TOKENS_PER_REVOKE })}</span>}
        </div>
      )}
      <AdminTable
        caption={t("tokens.table.caption")}
        headings={[
          t("tokens.table.headings.select"),
          t("tokens.table.headings.owner"),
          t("tokens.table.headings.name"),
          t("tokens.table.headings.prefix"),
          t("tokens.table.headings.scopes"),
          t("tokens.table.headings.created"),
          t("tokens.table.headings.expires"),
          t("tokens.table.headings.lastUsed"),
          t("tokens.table.headings.status"),
        ]}
        actionsColumn
        empty={tokens.length === 0 ? t("tokens.table.empty") : null}
      >
        {tokens.map((token) => (
          <tr key={token.id} className={selectedIds.has(token.id) && token.status === "active" ? "bg-indigo-50/60" : undefined}>
            <td className="px-3 py-2">
              {token.status === "active" && (
                <input
                  type="checkbox"
                  className="size-4 rounded border-slate-300 text-indigo-700"
                  aria-label={t("tokens.table.selectToken", { owner: token.ownerEmail, name: token.name })}
                  checked={selectedIds.has(token.id)}
                  onChange={(event) => toggle(token.id, event.target.checked)}
                />
              )}
            </td>
            <td className="max-w-48 px-3 py-2 [overflow-wrap:anywhere]">{token.ownerEmail}</td>
            <td className="max-w-40 truncate px-3 py-2" title={token.name}>
              {token.name}
            </td>
            <td className="px-3 py-2 font-mono text-xs">{token.displayPrefix}…</td>
            <td className="px-3 py-2 font-mono text-xs">{token.scopes.join(", ")}</td>
            <td className="px-3 py-2 whitespace-nowrap">{day(token.createdAt)}</td>
            <td className="px-3 py-2 whitespace-nowrap">{day(token.expiresAt)}</td>
            <td className="px-3 py-2 whitespace-nowrap">{day(token.lastUsedAt)}</td>
            <td className="px-3 py-2">
              <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <span className="capitalize">{t(`tokens.status.${token.status}`)}</span>
                {token.stale && <StaleBadge />}
              </span>
            </td>
            <td className="px-3 py-2 text-right">
              {token.status === "active" && (
                <Button
                  variant="ghost"
                  aria-label={t("tokens.table.revokeToken", { owner: token.ownerEmail, name: token.name })}
                  onClick={() => setRevoking(token)}
                >
                  {t("tokens.table.revoke")}
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
          onRevoked={revoked}
        />
      )}
      {revokingSelected && (
        <RevokeSelectedDialog
          tokens={selected}
          focusAfterRevoke={status}
          onClose={() => setRevokingSelected(false)}
          onRevoked={(text) => {
            setRevokingSelected(false);
            setSelectedIds(new Set());
            revoked(text);
          }}
        />
      )}
    </div>
  );
}

function RevokeSelectedDialog({
  tokens,
  onClose,
  onRevoked,
  focusAfterRevoke,
}: {
  tokens: AdminApiTokenDto[];
  onClose: () => void;
  onRevoked: (message: string) => void;
  /** Where focus goes after the revoke, since the checkboxes and the button may be gone. */
  focusAfterRevoke: RefObject<HTMLElement | null>;
}) {
  const { run, pending, outcome } = useProtectedAction(adminRevokeSelectedTokensAction);
  const done = useRef(false);
  const t = useTranslations("admin");
  const count = tokens.length;

  const revoke = async () => {
    const result = await run({ tokenIds: tokens.map((token) => token.id) });
    if (!result.ok) return;
    done.current = true;
    onRevoked(result.message ?? t("tokens.revokeSelected.done", { count }));
  };

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !pending && onClose()}>
      <ConfirmModal
        className="sm:max-w-lg"
        title={t("tokens.revokeSelected.title", { count })}
        description={t("tokens.revokeSelected.description")}
        confirm={{
          label: t("tokens.revokeSelected.confirm", { count }),
          pendingText: t("tokens.revokeSelected.pending"),
          onClick: revoke,
          variant: "danger",
        }}
        pending={pending}
        error={outcome?.ok ? null : outcome?.message}
        onCloseAutoFocus={(event) => {
          if (!done.current) return;
          event.preventDefault();
          focusAfterRevoke.current?.focus();
        }}
        icon={
          <ModalIcon tone="red">
            <circle cx="12" cy="12" r="9" />
            <path d="m5.6 5.6 12.8 12.8" />
          </ModalIcon>
        }
      >
        <ul className="max-h-48 divide-y divide-slate-100 overflow-y-auto rounded-md bg-slate-50 text-sm ring-1 ring-slate-200 ring-inset">
          {tokens.map((token) => (
            <li key={token.id} className="px-3 py-2 [overflow-wrap:anywhere] text-slate-700">
              {t.rich("tokens.revokeSelected.item", {
                name: token.name,
                prefix: token.displayPrefix,
                owner: token.ownerEmail,
                token: (chunks) => <span className="font-medium text-slate-900">{chunks}</span>,
                code: (chunks) => <span className="font-mono text-xs text-slate-500">{chunks}</span>,
              })}
            </li>
          ))}
        </ul>
      </ConfirmModal>
    </Dialog.Root>
  );
}
