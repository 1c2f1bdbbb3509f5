import { JobDocument } from '@cae/mongo';

export interface NoticeEmail {
  to: string;
  subject: string;
  text: string;
}

/** The `confirmEmail` notice: name, id, status, record count, files, and download links for internal files. */
export function noticeEmail(job: JobDocument, baseUrl: string): NoticeEmail {
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
  if (job.files.length > 0) {
    lines.push('', 'Files:');
    for (const file of job.files) {
      const link = file.storageKey ? `  ${baseUrl.replace(/\/$/, '')}/v2/jobs/${job._id}/files/${encodeURIComponent(file.name)}` : '';
      lines.push(`  ${file.name}  (${file.records} records, ${file.bytes} bytes)${link}`);
    }
    if (job.files.some((file) => file.storageKey && file.expiresAt)) {
      const expires = job.files.find((file) => file.expiresAt)?.expiresAt?.toISOString();
      lines.push('', `Download links need your API key and work until ${expires}.`);
    }
  }
  return { to, subject: `Export "${job.name}" ${outcome} (${job.status})`, text: `${lines.join('\n')}\n` };
}
