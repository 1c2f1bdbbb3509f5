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

/** How many files the job resource shows; the rest is read a page at a time from `filesUrl`. */
export const JOB_VIEW_FILES = 100;

type StoredFile = Pick<
  JobFileDocument,
  'name' | 'records' | 'bytes' | 'sha256' | 'location' | 'storageKey' | 'expiresAt' | 'expired'
>;

/**
 * The job resource of the API (DESIGN.md, section 4): internal fields such as storage keys are left out. `files`
 * holds the first JOB_VIEW_FILES files in chunk order; `fileCount` says how many there are, `filesUrl` lists them all.
 */
export function toJobView(job: JobDocument, firstFiles: StoredFile[], now = new Date()) {
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
    files: firstFiles.map((file) => toFileView(job._id, file, now)),
    fileCount: Math.max(job.fileCount ?? 0, firstFiles.length),
    filesUrl: `/v2/jobs/${job._id}/files`,
    ...(job.error ? { error: job.error } : {}),
  };
}

/** One delivered file as the API shows it: a download link for internal storage, where it went otherwise. */
export function toFileView(jobId: string, file: StoredFile, now = new Date()): JobFileView {
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
