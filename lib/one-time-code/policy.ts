import "server-only";
import type { CodePurpose } from "@/generated/prisma/enums";

export type CodePolicy = {
  ttlSeconds: number;
  maxAttempts: number;
  resendCooldownSeconds: number;
};

export const CODE_LENGTH = 6;

export const CODE_POLICIES: Record<CodePurpose, CodePolicy> = {
  EMAIL_VERIFICATION: { ttlSeconds: 10 * 60, maxAttempts: 5, resendCooldownSeconds: 60 },
  STEP_UP: { ttlSeconds: 10 * 60, maxAttempts: 5, resendCooldownSeconds: 60 },
  EMAIL_CHANGE: { ttlSeconds: 24 * 3600, maxAttempts: 5, resendCooldownSeconds: 60 },
  PASSWORD_RESET: { ttlSeconds: 30 * 60, maxAttempts: 5, resendCooldownSeconds: 60 },
};
