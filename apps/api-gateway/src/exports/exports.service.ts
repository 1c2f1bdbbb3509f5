import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidPayloadError, ExportRequestedValue, Topic, validatePayload } from '@cae/contracts';
import { BucketDenylist } from '@cae/destination-rules';
import { HostPolicy, HostRefusedError } from '@cae/host-policy';
import { DestinationSecrets, SecretStore } from '@cae/secrets';
import { ContractProducer, errorMessage, PRODUCER } from '@cae/kafka';
import { isDuplicateKey } from '@cae/mongo';
import { CallbackRequestPolicy } from '../callback/callback-request.policy';
import { ApiError } from '../http/api-error';
import { JobRepository } from '../jobs/job.repository';
import { AudienceRepository } from './audience.repository';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { toDestinationSecrets, toExportSpec } from './export-spec.mapper';
import { redactRequest } from './redact';

/** A request checked and turned into what will be stored and published; nothing of it is written yet. */
export interface PreparedExport {
  jobId: string;
  accountId: string;
  name: string;
  createdAt: Date;
  /** The message of the requested topic, checked against its contract. */
  request: ExportRequestedValue;
  dto: ContactActivityExportDto;
}

/** The job of this id exists already: an earlier attempt of the same idempotent request created it. */
export class JobAlreadyCreatedError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} exists already`);
    this.name = 'JobAlreadyCreatedError';
  }
}

@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly audiences: AudienceRepository,
    private readonly secrets: SecretStore,
    private readonly hosts: HostPolicy,
    private readonly deniedBuckets: BucketDenylist,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
  ) {}

  /** Checks of `callbackUrl` (../callback), injected as a property so that the tests' constructor calls stay as they are. */
  @Inject(CallbackRequestPolicy) private readonly callbacks!: CallbackRequestPolicy;

  /** Creates the job (pending) and publishes the request. Returns the new job's id and name. */
  async create(accountId: string, dto: ContactActivityExportDto): Promise<{ jobId: string; name: string }> {
    return this.commit(await this.prepare(accountId, dto));
  }

  /**
   * Checks everything about the request that can refuse it (destination host and bucket, audience, the requested
   * contract) and builds what will be stored and published, writing nothing: a request refused here consumes no
   * Idempotency-Key and no quota. `jobId` is given when an idempotent request reuses the id its key holds.
   */
  async prepare(
    accountId: string,
    dto: ContactActivityExportDto,
    jobId: string = randomUUID(),
  ): Promise<PreparedExport> {
    const spec = toExportSpec(dto, jobId);
    await this.refuseHost(spec.delivery.server);
    this.refuseBucket(dto);
    if (typeof dto.callbackUrl === 'string') await this.callbacks.check(accountId, dto.callbackUrl);
    if (
      dto.selected_audience_key !== undefined &&
      !(await this.audiences.exists(accountId, dto.selected_audience_key))
    ) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: selected_audience_key', [
        { field: 'selected_audience_key', reasons: ['no audience with this key exists in this account'] },
      ]);
    }
    const createdAt = new Date();
    const request = this.checkedRequest({
      jobId,
      accountId,
      createdAt: createdAt.toISOString(),
      filter: spec.filter,
      output: spec.output,
      delivery: spec.delivery,
    });
    return { jobId, accountId, name: spec.name, createdAt, request, dto };
  }

  /**
   * Seals the credentials, records the job (pending) and publishes its request. Throws JobAlreadyCreatedError when
   * the job exists already (another attempt of the same idempotent request created it), leaving that job untouched.
   */
  async commit(prepared: PreparedExport): Promise<{ jobId: string; name: string }> {
    const { jobId, accountId, name, createdAt, request, dto } = prepared;
    const secrets = toDestinationSecrets(dto);
    if (secrets) await this.putSecrets(jobId, accountId, secrets);
    try {
      await this.jobs.insertPending({
        _id: jobId,
        accountId,
        jobName: 'contactactivityexport',
        name,
        status: 'pending',
        totalItems: null,
        completedItems: 0,
        createdAt,
        startedAt: null,
        endedAt: null,
        request: redactRequest(dto),
        fileCount: 0,
        // A pending completion callback, sent by the jobs service once the job has ended.
        ...(typeof dto.callbackUrl === 'string' ? this.callbacks.pendingCallback(jobId, dto.callbackUrl) : {}),
        // A kill between this insert and the publish below leaves the job pending; the reconciler publishes it again.
        requested: JSON.parse(JSON.stringify(request)),
      });
    } catch (error) {
      // The job's own credentials (sealed by the attempt that created it, from the same body): kept for it.
      if (isDuplicateKey(error)) throw new JobAlreadyCreatedError(jobId);
      // No job will ever use (or delete) these credentials.
      if (secrets) await this.forgetSecrets(jobId, accountId);
      throw error;
    }
    try {
      await this.producer.publish(Topic.Requested, jobId, request);
    } catch (error) {
      this.logger.error({ message: 'could not publish export request', jobId, accountId, error: errorMessage(error) });
      await this.jobs.markUnpublished(accountId, jobId, 'the export queue was unavailable; please retry the request');
      if (secrets) await this.forgetSecrets(jobId, accountId);
      throw new ApiError(503, 'QUEUE_UNAVAILABLE', 'the export queue is unavailable; please retry later');
    }
    this.logger.log({ message: 'export job created', jobId, accountId });
    return { jobId, name };
  }

  /**
   * Seals a job's credentials. Already sealed means an earlier attempt of the same idempotent request (same job id,
   * same body, so the same credentials) got this far: its copy serves.
   */
  private async putSecrets(jobId: string, accountId: string, secrets: DestinationSecrets): Promise<void> {
    try {
      await this.secrets.put(jobId, accountId, secrets);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * The message the query service will get, checked against its contract before anything is stored: a request the
   * DTO let through but the contract refuses is a 400 that creates nothing, not a stored job and a 503.
   */
  private checkedRequest(request: ExportRequestedValue): ExportRequestedValue {
    try {
      return validatePayload(Topic.Requested, JSON.parse(JSON.stringify(request)));
    } catch (error) {
      if (!(error instanceof InvalidPayloadError)) throw error;
      this.logger.error({
        message: 'a validated request does not fit the requested contract',
        jobId: request.jobId,
        accountId: request.accountId,
        problems: error.problems,
      });
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: body', [
        { field: 'body', reasons: ['the request cannot be turned into an export', ...error.problems] },
      ]);
    }
  }

  /** Best effort: a leftover sealed record is unreadable without its job and is logged for cleanup. */
  private async forgetSecrets(jobId: string, accountId: string): Promise<void> {
    await this.secrets.delete(jobId).catch((error) =>
      this.logger.error({
        message: 'could not delete the credentials of a job that was not created',
        jobId,
        accountId,
        error: errorMessage(error),
      }),
    );
  }

  /** The platform's own buckets (and those the operator listed) are never a destination. */
  private refuseBucket({ destination }: ContactActivityExportDto): void {
    const [field, bucket] =
      destination?.type === 's3'
        ? ['aws_bucket', destination.aws_bucket]
        : destination?.type === 'gcs'
          ? ['gcs_bucket', destination.gcs_bucket]
          : [];
    if (field === undefined || bucket === undefined || !this.deniedBuckets.denies(bucket)) return;
    throw new ApiError(400, 'DESTINATION_BUCKET_REFUSED', `invalid request: destination.${field}`, [
      {
        field: `destination.${field}`,
        reasons: [`${field} names a bucket of this platform, which destinations may not use`],
      },
    ]);
  }

  /** A user-supplied SFTP/FTP host must not point into our own network (unless the operator allowed it). */
  private async refuseHost(server: string | undefined): Promise<void> {
    if (server === undefined) return;
    try {
      await this.hosts.resolve(server);
    } catch (error) {
      // A name that does not resolve now may later; delivery retries it and fails the job if it never does.
      if (!(error instanceof HostRefusedError)) throw error;
      if (error.reason === 'unresolvable') return;
      throw new ApiError(400, 'DESTINATION_HOST_REFUSED', `invalid request: destination.server`, [
        { field: 'destination.server', reasons: [error.message] },
      ]);
    }
  }
}
