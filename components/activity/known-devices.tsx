"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { forgetDeviceAction } from "@/actions/activity";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/ui/local-time";
import { LiveMessage } from "@/components/ui/notice";
import { initialActionState } from "@/shared/action-state";
import type { KnownDeviceDto } from "@/shared/devices";

/** The two moments of a device's line, as rich-text tags of its message. */
function seen(device: KnownDeviceDto) {
  return {
    lastUsed: () => <LocalTime iso={device.lastSeenAt} />,
    firstSeen: () => <LocalTime iso={device.firstSeenAt} />,
  };
}

/** The browsers this account has signed in from; a forgotten one is announced again on its next sign-in. */
export function KnownDevices({ devices }: { devices: KnownDeviceDto[] }) {
  const t = useTranslations("activity");
  const [state, dispatch, pending] = useActionState(forgetDeviceAction, initialActionState);
  return (
    <div>
      <div className="px-6 pt-4">
        <LiveMessage tone={state.ok ? "success" : "error"} message={state.message} />
      </div>
      {devices.length === 0 ? (
        <p className="px-6 py-6 text-sm text-slate-600">{t("devices.empty")}</p>
      ) : (
        <ul className="divide-y divide-slate-200">
          {devices.map((device) => (
            <li key={device.id} className="flex flex-col gap-2 px-6 py-4 sm:flex-row sm:items-center sm:justify-between">
              <div className="text-sm">
                <p className="font-medium text-slate-900">
                  {device.device}
                  {device.current && (
                    <span className="ml-2 inline-block rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-indigo-700 ring-1 ring-indigo-200 ring-inset">
                      {t("devices.thisBrowser")}
                    </span>
                  )}
                </p>
                <p className="text-xs text-slate-600">
                  {device.lastIp
                    ? t.rich("devices.seenWithIp", { ...seen(device), ip: device.lastIp })
                    : t.rich("devices.seen", seen(device))}
                </p>
              </div>
              <form action={dispatch}>
                <input type="hidden" name="deviceId" value={device.id} />
                <Button
                  type="submit"
                  variant="secondary"
                  pending={pending}
                  aria-label={t("devices.forgetLabel", { device: device.device })}
                >
                  {t("devices.forget")}
                </Button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
