import { KafkaContext } from '@nestjs/microservices';
import { ContractProducer } from '@cae/kafka';
import { JobsEnv } from '../config/jobs-env';
import { CancellationFinisher } from '../reconciler/cancellation-finisher';
import { JobStateRepository } from './job-state.repository';
import { JobStatusController } from './job-status.controller';

const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
const base = { jobId, accountId: 'acc', at: '2026-01-01T00:00:00.000Z', service: 'test' };

function setup() {
  const jobs = {
    markStarted: jest.fn(),
    accountOf: jest.fn().mockResolvedValue('acc'),
    addFile: jest.fn(),
    complete: jest.fn().mockResolvedValue('done'),
    fail: jest.fn(),
    requestCancel: jest.fn().mockResolvedValue(true),
    finishCancel: jest.fn(),
  };
  const cancellations = { watch: jest.fn() };
  const producer = { publish: jest.fn().mockResolvedValue(undefined) };
  const env = Object.assign(new JobsEnv(), {
    FILE_RETENTION_DAYS: 30,
    JOB_STATUS_MAX_ATTEMPTS: 3,
    JOB_STATUS_RETRY_BASE_MS: 10,
    JOB_STATUS_RETRY_CAP_MS: 20,
  });
  const sut = new JobStatusController(
    jobs as unknown as JobStateRepository,
    env,
    producer as unknown as ContractProducer,
    cancellations as unknown as CancellationFinisher,
  );
  const context = (value: unknown) =>
    ({
      getMessage: () => ({ value, key: Buffer.from(jobId), offset: '7' }),
      getPartition: () => 2,
      getHeartbeat: () => async () => undefined,
    }) as unknown as KafkaContext;
  return { sut, jobs, producer, context, cancellations };
}

describe(JobStatusController.name, () => {
  it('applies each event type to the job state', async () => {
    const { sut, jobs, context } = setup();
    await sut.onJobStatus(context({ ...base, type: 'query.started', totalItems: 3 }));
    expect(jobs.markStarted).toHaveBeenCalledWith(jobId, new Date(base.at), 3);
    await sut.onJobStatus(context({ ...base, type: 'query.started' }));
    expect(jobs.markStarted).toHaveBeenLastCalledWith(jobId, new Date(base.at), undefined);
    const file = { name: 'a.csv', chunkIndex: 0, records: 3, bytes: 10, sha256: 'a'.repeat(64), storageKey: 'k' };
    await sut.onJobStatus(context({ ...base, type: 'file.delivered', file }));
    expect(jobs.addFile).toHaveBeenCalledWith(jobId, 'acc', expect.objectContaining(file), new Date(base.at), 30);
    await sut.onJobStatus(context({ ...base, type: 'job.completed', fileCount: 1, totalRecords: 3 }));
    expect(jobs.complete).toHaveBeenCalledWith(jobId, new Date(base.at), 1, 3);
    await sut.onJobStatus(context({ ...base, type: 'job.failed', error: { code: 'QUERY_FAILED', message: 'why' } }));
    expect(jobs.fail).toHaveBeenCalledWith(jobId, new Date(base.at), expect.objectContaining({ code: 'QUERY_FAILED' }));
  });

  it('applies a cancel request, watches the job until it can end, and ends it on job.cancelled', async () => {
    const { sut, jobs, context, cancellations } = setup();
    await sut.onJobStatus(context({ ...base, type: 'job.cancel.requested', service: 'gateway' }));
    expect(jobs.requestCancel).toHaveBeenCalledWith(jobId, new Date(base.at));
    expect(cancellations.watch).toHaveBeenCalledWith(jobId, 'acc');
    await sut.onJobStatus(context({ ...base, type: 'job.cancelled', service: 'jobs' }));
    expect(jobs.finishCancel).toHaveBeenCalledWith(jobId, new Date(base.at));
  });

  it('does not watch a job that had already ended when its cancel request came', async () => {
    const { sut, jobs, context, cancellations } = setup();
    jobs.requestCancel.mockResolvedValue(false);
    await sut.onJobStatus(context({ ...base, type: 'job.cancel.requested', service: 'gateway' }));
    expect(cancellations.watch).not.toHaveBeenCalled();
  });

  it('neither completes nor fails a job whose completion came after its cancel request', async () => {
    const { sut, jobs, context } = setup();
    jobs.complete.mockResolvedValue('ignored');
    await sut.onJobStatus(context({ ...base, type: 'job.completed', fileCount: 2, totalRecords: 3 }));
    expect(jobs.fail).not.toHaveBeenCalled();
  });

  it('fails a job whose completion does not match its files', async () => {
    const { sut, jobs, context } = setup();
    jobs.complete.mockResolvedValue('incomplete');
    await sut.onJobStatus(context({ ...base, type: 'job.completed', fileCount: 2, totalRecords: 3 }));
    expect(jobs.fail).toHaveBeenCalledWith(
      jobId,
      expect.any(Date),
      expect.objectContaining({ code: 'FILES_INCOMPLETE' }),
    );
  });

  it('dead-letters an off-contract event instead of applying it', async () => {
    const { sut, jobs, producer, context } = setup();
    await sut.onJobStatus(context({ ...base, type: 'query.started', totalItems: -5 }));
    expect(jobs.markStarted).not.toHaveBeenCalled();
    expect(producer.publish).toHaveBeenCalledWith(
      'contactactivityexport.dlq.v1',
      jobId,
      expect.objectContaining({ reason: expect.stringMatching(/totalItems/), offset: '7' }),
    );
    // The job lost a fact about itself: it fails, through an event carrying its tenant from the jobs collection.
    expect(producer.publish).toHaveBeenCalledWith(
      'contactactivityexport.job-status.v1',
      jobId,
      expect.objectContaining({
        type: 'job.failed',
        accountId: 'acc',
        service: 'jobs',
        error: expect.objectContaining({ code: 'INVALID_STATUS_EVENT' }),
      }),
    );
  });

  it('dead-letters an event of an unknown job without failing anything', async () => {
    const { sut, jobs, producer, context } = setup();
    jobs.accountOf.mockResolvedValue(null);
    await sut.onJobStatus(context({ ...base, type: 'bogus' }));
    expect(producer.publish).toHaveBeenCalledTimes(1);
    expect(producer.publish).toHaveBeenCalledWith('contactactivityexport.dlq.v1', jobId, expect.anything());
  });

  it('retries an event whose effect keeps failing a bounded number of times, then parks it and fails its job', async () => {
    const { sut, jobs, producer, context } = setup();
    jobs.addFile.mockRejectedValue(new Error('document too large'));
    const file = { name: 'a.csv', chunkIndex: 0, records: 3, bytes: 10, sha256: 'a'.repeat(64), storageKey: 'k' };
    await sut.onJobStatus(context({ ...base, type: 'file.delivered', file }));
    expect(jobs.addFile).toHaveBeenCalledTimes(3);
    expect(producer.publish).toHaveBeenCalledWith(
      'contactactivityexport.dlq.v1',
      jobId,
      expect.objectContaining({ reason: expect.stringMatching(/document too large/), offset: '7' }),
    );
    expect(producer.publish).toHaveBeenCalledWith(
      'contactactivityexport.job-status.v1',
      jobId,
      expect.objectContaining({ type: 'job.failed', error: expect.objectContaining({ code: 'STATUS_NOT_APPLIED' }) }),
    );
  });
});
