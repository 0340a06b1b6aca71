/** A browser the account has signed in from, as the activity page lists it. */
export type KnownDeviceDto = {
  id: string;
  /** "Chrome 130 on macOS". */
  device: string;
  lastIp: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  /** This browser. */
  current: boolean;
};
