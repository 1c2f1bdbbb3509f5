import { JobDocument } from '@cae/mongo';

export interface JobFileView {
  name: string;
  records: number;
  bytes: number;
  sha256: string;
  location?: string;
  url?: string;
  expiresAt?: string;
  expired?: boolean;
}

/** The job resource of the API (DESIGN.md, section 4): internal fields such as storage keys are left out. */
export function toJobView(job: JobDocument, now = new Date()) {
  return {
    jobId: job._id,
    jobName: job.jobName,
    name: job.name,
    status: job.status,
    totalItems: job.totalItems,
    completedItems: job.completedItems,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    endedAt: job.endedAt?.toISOString() ?? null,
    request: job.request,
    files: (job.files ?? []).map((file): JobFileView => {
      const view: JobFileView = { name: file.name, records: file.records, bytes: file.bytes, sha256: file.sha256 };
      if (file.location) view.location = file.location;
      if (file.storageKey) {
        view.url = `/v2/jobs/${job._id}/files/${encodeURIComponent(file.name)}`;
        if (file.expiresAt) {
          view.expiresAt = file.expiresAt.toISOString();
          view.expired = file.expired === true || file.expiresAt <= now;
        }
      }
      return view;
    }),
    ...(job.error ? { error: job.error } : {}),
  };
}
