import { plainToInstance } from 'class-transformer';
import { MongoServerError } from 'mongodb';
import { BucketDenylist } from '@cae/destination-rules';
import { HostPolicy } from '@cae/host-policy';
import { ContractProducer } from '@cae/kafka';
import { SecretStore } from '@cae/secrets';
import { JobRepository } from '../jobs/job.repository';
import { AudienceRepository } from './audience.repository';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { ExportsService, JobAlreadyCreatedError } from './exports.service';

const sftp = plainToInstance(ContactActivityExportDto, {
  exportType: 'csv',
  destination: { type: 'sftp', server: 'sftp.example.com', port: 22, username: 'u', password: 'hunter2', path: './' },
});

function setup() {
  const jobs = {
    insertPending: jest.fn().mockResolvedValue(undefined),
    markUnpublished: jest.fn().mockResolvedValue(undefined),
  };
  const secrets = { put: jest.fn().mockResolvedValue(undefined), delete: jest.fn().mockResolvedValue(undefined) };
  const hosts = { resolve: jest.fn().mockResolvedValue(undefined) };
  const producer = { publish: jest.fn().mockResolvedValue(undefined) };
  const sut = new ExportsService(
    jobs as unknown as JobRepository,
    {} as AudienceRepository,
    secrets as unknown as SecretStore,
    hosts as unknown as HostPolicy,
    BucketDenylist.of('', ['cae-files']),
    producer as unknown as ContractProducer,
  );
  return { sut, jobs, secrets, producer };
}

describe(ExportsService.name, () => {
  it('seals the credentials, creates the job, publishes the request', async () => {
    const { sut, jobs, secrets, producer } = setup();
    const { jobId } = await sut.create('acc', sftp);
    expect(secrets.put).toHaveBeenCalledWith(jobId, 'acc', { username: 'u', password: 'hunter2' });
    expect(jobs.insertPending).toHaveBeenCalledWith(expect.objectContaining({ _id: jobId, status: 'pending' }));
    expect(producer.publish).toHaveBeenCalledTimes(1);
    expect(secrets.delete).not.toHaveBeenCalled();
  });

  it('leaves no sealed credentials behind when the job cannot be stored', async () => {
    const { sut, jobs, secrets, producer } = setup();
    jobs.insertPending.mockRejectedValue(new Error('database away'));
    await expect(sut.create('acc', sftp)).rejects.toThrow('database away');
    expect(secrets.delete).toHaveBeenCalledWith(secrets.put.mock.calls[0][0]);
    expect(producer.publish).not.toHaveBeenCalled();
  });

  it('fails the job and forgets its credentials when the request cannot be queued', async () => {
    const { sut, jobs, secrets, producer } = setup();
    producer.publish.mockRejectedValue(new Error('broker away'));
    await expect(sut.create('acc', sftp)).rejects.toMatchObject({ status: 503 });
    const jobId = secrets.put.mock.calls[0][0];
    expect(jobs.markUnpublished).toHaveBeenCalledWith('acc', jobId, expect.any(String));
    expect(secrets.delete).toHaveBeenCalledWith(jobId);
  });

  it("refuses the platform's own buckets before anything is stored", async () => {
    const { sut, jobs, secrets, producer } = setup();
    const gcs = plainToInstance(ContactActivityExportDto, {
      exportType: 'csv',
      destination: { type: 'gcs', gcs_bucket: 'cae-files', path: '/x' },
    });
    await expect(sut.create('acc', gcs)).rejects.toMatchObject({ status: 400 });
    expect(secrets.put).not.toHaveBeenCalled();
    expect(jobs.insertPending).not.toHaveBeenCalled();
    expect(producer.publish).not.toHaveBeenCalled();
  });

  it('refuses, before storing anything, a request whose message would break the requested contract', async () => {
    const { sut, jobs, secrets, producer } = setup();
    // Something the DTO's validation should have refused (a nested list of columns): the contract check is the net.
    const dto = plainToInstance(ContactActivityExportDto, {
      exportType: 'csv',
      destination: sftp.destination,
      columnHeaders: [[]],
    });
    await expect(sut.create('acc', dto)).rejects.toMatchObject({ status: 400 });
    expect(secrets.put).not.toHaveBeenCalled();
    expect(jobs.insertPending).not.toHaveBeenCalled();
    expect(producer.publish).not.toHaveBeenCalled();
  });

  it('prepares a request without writing anything: what a refused or counted request leaves behind', async () => {
    const { sut, jobs, secrets, producer } = setup();
    const prepared = await sut.prepare('acc', sftp, '00000000-0000-4000-8000-000000000000');
    expect(prepared).toMatchObject({ jobId: '00000000-0000-4000-8000-000000000000', name: 'export-00000000' });
    expect(prepared.request.output.fileBaseName).toBe('export-00000000');
    expect([secrets.put.mock.calls, jobs.insertPending.mock.calls, producer.publish.mock.calls]).toEqual([[], [], []]);
  });

  it('leaves a job made by another attempt of the same idempotent request as it is, credentials included', async () => {
    const { sut, jobs, secrets, producer } = setup();
    const duplicate = new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    secrets.put.mockRejectedValue(duplicate); // that attempt sealed them already
    jobs.insertPending.mockRejectedValue(duplicate);
    const prepared = await sut.prepare('acc', sftp);
    await expect(sut.commit(prepared)).rejects.toBeInstanceOf(JobAlreadyCreatedError);
    expect(secrets.delete).not.toHaveBeenCalled();
    expect(producer.publish).not.toHaveBeenCalled();
  });

  it('creates the job when its credentials were sealed by an attempt that died before the insert', async () => {
    const { sut, jobs, secrets, producer } = setup();
    secrets.put.mockRejectedValue(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }));
    await sut.commit(await sut.prepare('acc', sftp));
    expect(jobs.insertPending).toHaveBeenCalledTimes(1);
    expect(producer.publish).toHaveBeenCalledTimes(1);
  });
});
