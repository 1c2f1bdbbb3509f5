import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidPayloadError, ExportRequestedValue, Topic, validatePayload } from '@cae/contracts';
import { BucketDenylist } from '@cae/destination-rules';
import { HostPolicy, HostRefusedError } from '@cae/host-policy';
import { SecretStore } from '@cae/secrets';
import { ContractProducer, errorMessage, PRODUCER } from '@cae/kafka';
import { ApiError } from '../http/api-error';
import { JobRepository } from '../jobs/job.repository';
import { AudienceRepository } from './audience.repository';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { toDestinationSecrets, toExportSpec } from './export-spec.mapper';
import { redactRequest } from './redact';

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

  /** Creates the job (pending) and publishes the request. Returns the new job's id and name. */
  async create(accountId: string, dto: ContactActivityExportDto): Promise<{ jobId: string; name: string }> {
    const jobId = randomUUID();
    const spec = toExportSpec(dto, jobId);
    await this.refuseHost(spec.delivery.server);
    this.refuseBucket(dto);
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
    const secrets = toDestinationSecrets(dto);
    if (secrets) await this.secrets.put(jobId, accountId, secrets);
    try {
      await this.jobs.insertPending({
        _id: jobId,
        accountId,
        jobName: 'contactactivityexport',
        name: spec.name,
        status: 'pending',
        totalItems: null,
        completedItems: 0,
        createdAt,
        startedAt: null,
        endedAt: null,
        request: redactRequest(dto),
        fileCount: 0,
        // A kill between this insert and the publish below leaves the job pending; the reconciler publishes it again.
        requested: JSON.parse(JSON.stringify(request)),
      });
    } catch (error) {
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
    return { jobId, name: spec.name };
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
