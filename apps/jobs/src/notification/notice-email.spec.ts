import { JobDocument } from '@cae/mongo';
import { NOTICE_FILES, noticeEmail } from './notice-email';

const job: JobDocument = {
  _id: '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e',
  accountId: 'a',
  jobName: 'contactactivityexport',
  name: 'march',
  status: 'done',
  totalItems: 3,
  completedItems: 3,
  createdAt: new Date(0),
  startedAt: new Date(1000),
  endedAt: new Date(2000),
  request: { confirmEmail: 'ops@example.com' },
  fileCount: 1,
};
const files = [{ name: 'march.csv', records: 3, bytes: 120, storageKey: 'k', expiresAt: new Date(86_400_000) }];

describe(noticeEmail.name, () => {
  it('names the job, its status, records and download links', () => {
    const sut = noticeEmail(job, files, 'https://exports.example.com/');
    expect(sut.to).toBe('ops@example.com');
    expect(sut.subject).toBe('Export "march" is complete (done)');
    expect(sut.text).toContain(job._id);
    expect(sut.text).toContain('Records:  3');
    expect(sut.text).toContain(`https://exports.example.com/v2/jobs/${job._id}/files/march.csv`);
  });

  it('explains a failure', () => {
    const sut = noticeEmail(
      { ...job, status: 'failed', fileCount: 0, error: { code: 'QUERY_FAILED', message: 'try later' } },
      [],
      'http://x',
    );
    expect(sut.subject).toBe('Export "march" failed (failed)');
    expect(sut.text).toContain('QUERY_FAILED: try later');
  });

  it('lists the first files of a large job and says where the rest is', () => {
    const many = Array.from({ length: NOTICE_FILES + 1 }, (_, index) => ({
      name: `m-${index}.csv`,
      records: 1,
      bytes: 9,
      location: 'sftp://h/x',
    }));
    const sut = noticeEmail({ ...job, fileCount: 5000 }, many, 'https://e.example.com');
    expect(sut.text).toContain('Files (5000):');
    expect(sut.text).toContain(`m-${NOTICE_FILES - 1}.csv`);
    expect(sut.text).not.toContain(`m-${NOTICE_FILES}.csv`);
    expect(sut.text).toContain(
      `... and ${5000 - NOTICE_FILES} more, all listed at https://e.example.com/v2/jobs/${job._id}/files`,
    );
  });
});
