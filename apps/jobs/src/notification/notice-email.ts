import { JobDocument, JobFileDocument } from '@cae/mongo';

/** How many files a notice lists by name; a larger job's notice says where the rest is listed. */
export const NOTICE_FILES = 50;

type NoticeFile = Pick<JobFileDocument, 'name' | 'records' | 'bytes' | 'storageKey' | 'expiresAt' | 'expired'>;

/** How the notice says the job ended, by its status. */
const OUTCOMES: Record<string, string> = { done: 'is complete', failed: 'failed', cancelled: 'was cancelled' };

export interface NoticeEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * The `confirmEmail` notice: name, id, status, record count, files, and download links for internal files that are
 * still kept (a cancelled job's internal files are removed: listed, without a link). `files`: the job's first files
 * in chunk order (NOTICE_FILES at most are listed).
 */
export function noticeEmail(job: JobDocument, files: NoticeFile[], baseUrl: string): NoticeEmail {
  const base = baseUrl.replace(/\/$/, '');
  const fileCount = Math.max(job.fileCount ?? 0, files.length);
  const to = String(job.request.confirmEmail);
  const outcome = OUTCOMES[job.status] ?? job.status;
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
  if (job.status === 'cancelled')
    lines.push(
      '',
      'The export was stopped at your request. Files it had delivered to your own destination stay there; ' +
        'files kept in internal storage were removed.',
    );
  if (files.length > 0) {
    lines.push('', fileCount > 1 ? `Files (${fileCount}):` : 'Files:');
    const kept = (file: NoticeFile) => Boolean(file.storageKey) && file.expired !== true;
    for (const file of files.slice(0, NOTICE_FILES)) {
      const link = kept(file)
        ? `  ${base}/v2/jobs/${job._id}/files/${encodeURIComponent(file.name)}`
        : file.storageKey
          ? '  (removed)'
          : '';
      lines.push(`  ${file.name}  (${file.records} records, ${file.bytes} bytes)${link}`);
    }
    if (fileCount > NOTICE_FILES)
      lines.push(`  ... and ${fileCount - NOTICE_FILES} more, all listed at ${base}/v2/jobs/${job._id}/files`);
    if (files.some((file) => kept(file) && file.expiresAt)) {
      const expires = files.find((file) => kept(file) && file.expiresAt)?.expiresAt?.toISOString();
      lines.push('', `Download links need your API key and work until ${expires}.`);
    }
  }
  return { to, subject: `Export "${job.name}" ${outcome} (${job.status})`, text: `${lines.join('\n')}\n` };
}
