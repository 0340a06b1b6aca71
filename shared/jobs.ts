/** One background queue as the admin jobs page shows it. */
export type JobQueueStatus = {
  name: string;
  description: string;
  /** Cron, UTC; null when the job is turned off. */
  schedule: string | null;
  waiting: number;
  active: number;
  failed: number;
  lastCompletedAt: string | null;
  lastFailedAt: string | null;
};
