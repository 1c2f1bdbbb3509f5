import { JobDocument, JobFileDocument } from '@cae/mongo';

/** How many files a notice lists by name; a larger job's notice says where the rest is listed. */
export const NOTICE_FILES = 50;

type NoticeFile = Pick<JobFileDocument, 'name' | 'records' | 'bytes' | 'storageKey' | 'expiresAt'>;

export interface NoticeEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * The `confirmEmail` notice: name, id, status, record count, files, and download links for internal files.
 * `files`: the job's first files in chunk order (NOTICE_FILES at most are listed).
 */
export function noticeEmail(job: JobDocument, files: NoticeFile[], baseUrl: string): NoticeEmail {
  const base = baseUrl.replace(/\/$/, '');
  const fileCount = Math.max(job.fileCount ?? 0, files.length);
  const to = String(job.request.confirmEmail);
  const outcome = job.status === 'done' ? 'is complete' : 'failed';
  const lines = [
    `Your contact activity export "${job.name}" ${outcome}.`,
    '',
    `Job id:   ${job._id}`,
    `Status:   ${job.status}`,
    `Records:  ${job.completedItems}`,
    `Started:  ${job.startedAt?.toISOString() ?? '-'}`,
    `Ended:    ${job.endedAt?.toISOString() ?? '-'}`,
  ];
  if (job.error) lines.push('', `Error:    ${job.error.code}: ${job.error.message}`);
  if (files.length > 0) {
    lines.push('', fileCount > 1 ? `Files (${fileCount}):` : 'Files:');
    for (const file of files.slice(0, NOTICE_FILES)) {
      const link = file.storageKey ? `  ${base}/v2/jobs/${job._id}/files/${encodeURIComponent(file.name)}` : '';
      lines.push(`  ${file.name}  (${file.records} records, ${file.bytes} bytes)${link}`);
    }
    if (fileCount > NOTICE_FILES)
      lines.push(`  ... and ${fileCount - NOTICE_FILES} more, all listed at ${base}/v2/jobs/${job._id}/files`);
    if (files.some((file) => file.storageKey && file.expiresAt)) {
      const expires = files.find((file) => file.expiresAt)?.expiresAt?.toISOString();
      lines.push('', `Download links need your API key and work until ${expires}.`);
    }
  }
  return { to, subject: `Export "${job.name}" ${outcome} (${job.status})`, text: `${lines.join('\n')}\n` };
}
