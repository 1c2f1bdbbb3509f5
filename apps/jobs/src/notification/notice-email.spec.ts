import { JobDocument } from '@cae/mongo';
import { noticeEmail } from './notice-email';

const job: JobDocument = {
  _id: '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e', accountId: 'a', jobName: 'contactactivityexport', name: 'march',
  status: 'done', totalItems: 3, completedItems: 3, createdAt: new Date(0), startedAt: new Date(1000), endedAt: new Date(2000),
  request: { confirmEmail: 'ops@example.com' },
  files: [{ name: 'march.csv', chunkIndex: 0, records: 3, bytes: 120, sha256: 'x'.repeat(64), storageKey: 'k', expiresAt: new Date(86_400_000) }],
};

describe(noticeEmail.name, () => {
  it('names the job, its status, records and download links', () => {
    const sut = noticeEmail(job, 'https://exports.example.com/');
    expect(sut.to).toBe('ops@example.com');
    expect(sut.subject).toBe('Export "march" is complete (done)');
    expect(sut.text).toContain(job._id);
    expect(sut.text).toContain('Records:  3');
    expect(sut.text).toContain(`https://exports.example.com/v2/jobs/${job._id}/files/march.csv`);
  });

  it('explains a failure', () => {
    const sut = noticeEmail({ ...job, status: 'failed', files: [], error: { code: 'QUERY_FAILED', message: 'try later' } }, 'http://x');
    expect(sut.subject).toBe('Export "march" failed (failed)');
    expect(sut.text).toContain('QUERY_FAILED: try later');
  });
});
