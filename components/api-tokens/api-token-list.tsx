import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import type { PreloadIntent } from "@/components/ui/on-demand";
import { OutlineIcon } from "@/components/ui/outline-icon";
import { STALE_AFTER_DAYS } from "@/shared/api-token-limits";
import type { ApiTokenDto } from "@/shared/api-tokens";

const STATUS_STYLES: Record<ApiTokenDto["status"], string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  expired: "bg-amber-50 text-amber-800 ring-amber-600/20",
  revoked: "bg-slate-100 text-slate-600 ring-slate-500/20",
};

type ApiTokenListProps = {
  tokens: ApiTokenDto[];
  onRevoke: (token: ApiTokenDto) => void;
  /** Spread on every Revoke button: the dialog's code starts downloading before the click. */
  revokeIntent: PreloadIntent;
};

/** One table; below `md` each row becomes a stacked card with inline labels. */
export function ApiTokenList({ tokens, onRevoke, revokeIntent }: ApiTokenListProps) {
  const t = useTranslations("security");
  const tc = useTranslations("common");
  if (tokens.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 px-6 py-10 text-center">
        <KeyIcon />
        <p className="mt-3 text-sm font-semibold text-slate-900">{t("tokens.empty.title")}</p>
        <p className="mt-1 text-sm text-slate-600">{t("tokens.empty.body")}</p>
      </div>
    );
  }
  const columns = {
    token: t("tokens.columns.token"),
    scopes: t("tokens.columns.scopes"),
    created: t("tokens.columns.created"),
    expires: t("tokens.columns.expires"),
    lastUsed: t("tokens.columns.lastUsed"),
  };
  return (
    <table className="block w-full text-left text-sm md:table">
      <thead className="hidden border-b border-slate-200 text-xs font-medium tracking-wide text-slate-500 uppercase md:table-header-group">
        <tr>
          {Object.entries(columns).map(([key, heading]) => (
            <th key={key} scope="col" className="py-2 pr-3 font-medium whitespace-nowrap">
              {heading}
            </th>
          ))}
          <th scope="col" className="py-2 font-medium">
            <span className="sr-only">{t("tokens.columns.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody className="block divide-y divide-slate-200 md:table-row-group">
        {tokens.map((token) => (
          <tr
            key={token.id}
            className={`grid grid-cols-2 gap-x-4 gap-y-3 py-4 md:table-row ${token.status === "active" ? "" : "text-slate-500"}`}
          >
            <Cell label={columns.token} className="col-span-2 md:max-w-[12rem]">
              <p title={token.name} className={`truncate font-medium ${token.status === "active" ? "text-slate-900" : "text-slate-500"}`}>
                {token.name}
              </p>
              <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1">
                <span className="font-mono text-xs text-slate-500">{token.displayPrefix}…</span>
                <span
                  className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ring-inset ${STATUS_STYLES[token.status]}`}
                >
                  {t(`tokens.status.${token.status}`)}
                </span>
                {token.stale && <StaleBadge />}
              </p>
            </Cell>
            <Cell label={columns.scopes} className="col-span-2">
              <ul className="flex flex-wrap gap-1 md:flex-col md:items-start">
                {token.scopes.map((scope) => (
                  <li key={scope} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                    {scope}
                  </li>
                ))}
              </ul>
            </Cell>
            <Cell label={columns.created}>
              <DateText iso={token.createdAt} />
            </Cell>
            <Cell label={columns.expires}>
              <DateText iso={token.expiresAt} />
            </Cell>
            <Cell label={columns.lastUsed}>
              {token.lastUsedAt ? (
                <>
                  <DateText iso={token.lastUsedAt} withTime />
                  {token.lastUsedIp && (
                    <p title={token.lastUsedIp} className="max-w-[9rem] truncate font-mono text-xs text-slate-500">
                      {token.lastUsedIp.replace(/^::ffff:/, "")}
                    </p>
                  )}
                </>
              ) : (
                <span className="text-slate-500">{tc("never")}</span>
              )}
            </Cell>
            <td className="col-span-2 md:py-3 md:text-right">
              {token.status === "active" && (
                <Button variant="secondary" className="w-full px-3 py-1.5 md:w-auto" onClick={() => onRevoke(token)} {...revokeIntent}>
                  {t.rich("tokens.revoke", { name: token.name, hidden: (chunks) => <span className="sr-only">{chunks}</span> })}
                </Button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The stale mark, in words (not only colour) so screen readers say it too. */
export function StaleBadge() {
  const t = useTranslations("security");
  return (
    <span
      title={t("tokens.stale.title", { days: STALE_AFTER_DAYS })}
      className="inline-flex rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-amber-900 ring-1 ring-amber-600/20 ring-inset"
    >
      {t("tokens.stale.label")}
    </span>
  );
}

function Cell({ label, className = "", children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <td className={`min-w-0 align-top md:py-3 md:pr-3 ${className}`}>
      <span className="mb-0.5 block text-xs font-medium text-slate-500 md:hidden">{label}</span>
      {children}
    </td>
  );
}

/** The day (and time) in the viewer's zone; UTC on hover, as LocalTime does. */
function DateText({ iso, withTime = false }: { iso: string; withTime?: boolean }) {
  const format = useFormatter();
  const tc = useTranslations("common");
  const date = new Date(iso);
  const utc = tc("utc", { time: format.dateTime(date, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) });
  return (
    <time dateTime={iso} title={utc} className="block whitespace-nowrap">
      {format.dateTime(date, "date")}
      {withTime && <span className="block text-xs text-slate-500">{format.dateTime(date, "time")}</span>}
    </time>
  );
}

function KeyIcon() {
  return (
    <OutlineIcon viewBox="0 0 24 24" strokeWidth={1.5} className="mx-auto size-10 text-slate-400">
      <circle cx="8" cy="15" r="4" />
      <path d="m10.8 12.2 8.7-8.7M16 7l3 3M14 9l2 2" />
    </OutlineIcon>
  );
}
