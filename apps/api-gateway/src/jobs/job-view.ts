import { JobDocument, JobFileDocument } from '@cae/mongo';

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
    files: (job.files ?? []).map((file) => toFileView(job._id, file, now)),
    ...(job.error ? { error: job.error } : {}),
  };
}

/** One delivered file as the API shows it: a download link for internal storage, where it went otherwise. */
export function toFileView(
  jobId: string,
  file: Pick<JobFileDocument, 'name' | 'records' | 'bytes' | 'sha256' | 'location' | 'storageKey' | 'expiresAt' | 'expired'>,
  now = new Date(),
): JobFileView {
  const view: JobFileView = { name: file.name, records: file.records, bytes: file.bytes, sha256: file.sha256 };
  if (file.location) view.location = file.location;
  if (file.storageKey) {
    view.url = `/v2/jobs/${jobId}/files/${encodeURIComponent(file.name)}`;
    if (file.expiresAt) {
      view.expiresAt = file.expiresAt.toISOString();
      view.expired = file.expired === true || file.expiresAt <= now;
    }
  }
  return view;
}
