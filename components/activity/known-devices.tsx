"use client";

import { useActionState } from "react";
import { forgetDeviceAction } from "@/actions/activity";
import { Button } from "@/components/ui/button";
import { LocalTime } from "@/components/ui/local-time";
import { LiveMessage } from "@/components/ui/notice";
import { initialActionState } from "@/shared/action-state";
import type { KnownDeviceDto } from "@/shared/devices";

/** The browsers this account has signed in from; a forgotten one is announced again on its next sign-in. */
export function KnownDevices({ devices }: { devices: KnownDeviceDto[] }) {
  const [state, dispatch, pending] = useActionState(forgetDeviceAction, initialActionState);
  return (
    <div>
      <div className="px-6 pt-4">
        <LiveMessage tone={state.ok ? "success" : "error"} message={state.message} />
      </div>
      {devices.length === 0 ? (
        <p className="px-6 py-6 text-sm text-slate-600">No devices yet: each browser you sign in from is remembered here.</p>
      ) : (
        <ul className="divide-y divide-slate-200">
          {devices.map((device) => (
            <li key={device.id} className="flex flex-col gap-2 px-6 py-4 sm:flex-row sm:items-center sm:justify-between">
              <div className="text-sm">
                <p className="font-medium text-slate-900">
                  {device.device}
                  {device.current && (
                    <span className="ml-2 rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700 ring-1 ring-indigo-200 ring-inset">
                      This browser
                    </span>
                  )}
                </p>
                <p className="text-xs text-slate-600">
                  Last used <LocalTime iso={device.lastSeenAt} />
                  {device.lastIp && <> · IP {device.lastIp}</>} · first seen <LocalTime iso={device.firstSeenAt} />
                </p>
              </div>
              <form action={dispatch}>
                <input type="hidden" name="deviceId" value={device.id} />
                <Button type="submit" variant="secondary" pending={pending} aria-label={`Forget ${device.device}`}>
                  Forget this device
                </Button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
