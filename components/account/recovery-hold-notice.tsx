import { useTranslations } from "next-intl";
import { LocalTime } from "@/components/ui/local-time";
import { Notice } from "@/components/ui/notice";
import type { RecoveryHold } from "@/shared/account";

/** The cooling-off period after a recovery, and what it holds back, at the top of the security page. */
export function RecoveryHoldNotice({ hold }: { hold: RecoveryHold }) {
  const t = useTranslations("settings");
  return (
    <Notice tone="warning">
      {t.rich("recoveryHold.notice", {
        reason: hold.reason,
        strong: (chunks) => <span className="font-semibold">{chunks}</span>,
        time: () => <LocalTime iso={hold.until} />,
      })}
    </Notice>
  );
}
