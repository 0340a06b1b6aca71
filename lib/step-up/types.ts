/** What the browser learns about a pending step-up challenge (no secrets). Shared with the modal. */
export type StepUpChallengeDto = {
  id: string;
  action: string;
  description: string;
  maskedEmail: string;
  expiresAt: string;
  resendAvailableAt: string;
  attemptsLeft: number;
  /** The modal must also ask for an authenticator or recovery code (high-risk action, 2FA on). */
  secondFactor: boolean;
};

export type StepUpRequired = { status: "step_up_required"; challenge: StepUpChallengeDto };
