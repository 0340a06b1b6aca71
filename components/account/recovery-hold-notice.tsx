import { Notice } from "@/components/ui/notice";
import type { RecoveryHold } from "@/shared/account";
import { formatDateTime } from "@/shared/format";

/** The cooling-off period after a recovery, and what it holds back, at the top of the security page. */
export function RecoveryHoldNotice({ hold }: { hold: RecoveryHold }) {
  const after = hold.reason === "password_reset" ? "your password was reset" : "your email address was changed";
  return (
    <Notice tone="warning">
      <span className="font-semibold">Some changes are on hold until </span>
      <time dateTime={hold.until} className="font-semibold">
        {formatDateTime(new Date(hold.until))}
      </time>
      <span className="font-semibold">.</span> Because {after} recently, changing the email address, turning two-step verification on or
      off, creating recovery codes and deleting the account wait until then, in case it wasn&apos;t you. Everything else works as usual.
    </Notice>
  );
}
