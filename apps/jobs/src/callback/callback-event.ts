import { JobDocument } from '@cae/mongo';

/**
 * The body of a completion callback (docs: "Completion callback"). Fields are only ever added, never renamed, so a
 * receiver ignores the ones it does not know. Built from the ended job, which does not change any more, so every
 * attempt sends the same event.
 */
export interface CallbackEvent {
  /** The same on every attempt of this callback: receivers dedupe on it (callbacks arrive at least once). */
  eventId: string;
  type: 'job.ended';
  /** When the job ended. */
  occurredAt: string;
  job: {
    jobId: string;
    jobName: string;
    name: string;
    /** The final status: `done`, `failed`, or any final status added later (`cancelled`). */
    status: string;
    totalItems: number | null;
    completedItems: number;
    fileCount: number;
    createdAt: string;
    startedAt: string | null;
    endedAt: string;
    error?: { code: string; message: string };
    /** The job in the Jobs API (its files, with download links for internal storage). */
    url: string;
  };
}

const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

export function callbackEvent(job: JobDocument, eventId: string, publicBaseUrl: string): CallbackEvent {
  const endedAt = iso(job.endedAt) ?? new Date(0).toISOString();
  return {
    eventId,
    type: 'job.ended',
    occurredAt: endedAt,
    job: {
      jobId: job._id,
      jobName: job.jobName,
      name: job.name,
      status: job.status,
      totalItems: job.totalItems ?? null,
      completedItems: job.completedItems ?? 0,
      fileCount: job.fileCount ?? 0,
      createdAt: iso(job.createdAt)!,
      startedAt: iso(job.startedAt),
      endedAt,
      ...(job.error ? { error: { code: job.error.code, message: job.error.message } } : {}),
      url: `${publicBaseUrl.replace(/\/+$/, '')}/v2/jobs/${encodeURIComponent(job._id)}`,
    },
  };
}
