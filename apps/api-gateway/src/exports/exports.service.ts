import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Topic } from '@cae/contracts';
import { ContractProducer, errorMessage, PRODUCER } from '@cae/kafka';
import { ApiError } from '../http/api-error';
import { JobRepository } from '../jobs/job.repository';
import { AudienceRepository } from './audience.repository';

import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { toExportSpec } from './export-spec.mapper';
import { redactRequest } from './redact';

/** Destinations delivered so far; the others are refused before anything is created. */
const SUPPORTED_DESTINATIONS = new Set(['internal']);

@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly jobs: JobRepository,
    private readonly audiences: AudienceRepository,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
  ) {}

  /** Creates the job (pending) and publishes the request. Returns the new job's id and name. */
  async create(accountId: string, dto: ContactActivityExportDto): Promise<{ jobId: string; name: string }> {
    const jobId = randomUUID();
    const spec = toExportSpec(dto, jobId);
    this.refuseUnsupported(spec.delivery.kind);
    if (dto.selected_audience_key !== undefined && !(await this.audiences.exists(accountId, dto.selected_audience_key))) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: selected_audience_key', [
        { field: 'selected_audience_key', reasons: ['no audience with this key exists in this account'] },
      ]);
    }
    const createdAt = new Date();
    await this.jobs.insertPending({
      _id: jobId, accountId, jobName: 'contactactivityexport', name: spec.name, status: 'pending',
      totalItems: null, completedItems: 0, createdAt, startedAt: null, endedAt: null,
      request: redactRequest(dto), files: [],
    });
    try {
      await this.producer.publish(Topic.Requested, jobId, {
        jobId, accountId, createdAt: createdAt.toISOString(),
        filter: spec.filter, output: spec.output, delivery: spec.delivery,
      });
    } catch (error) {
      this.logger.error({ message: 'could not publish export request', jobId, accountId, error: errorMessage(error) });
      await this.jobs.markUnpublished(accountId, jobId, 'the export queue was unavailable; please retry the request');
      throw new ApiError(503, 'QUEUE_UNAVAILABLE', 'the export queue is unavailable; please retry later');
    }
    this.logger.log({ message: 'export job created', jobId, accountId });
    return { jobId, name: spec.name };
  }

  private refuseUnsupported(kind: string): void {
    const fields = [];
    if (!SUPPORTED_DESTINATIONS.has(kind)) {
      fields.push({ field: 'destination.type', reasons: [`destination type ${kind} is not supported yet; use aws (internal storage)`] });
    }
    if (fields.length > 0) {
      throw new ApiError(400, 'NOT_SUPPORTED_YET', `not supported yet: ${fields.map((f) => f.field).join(', ')}`, fields);
    }
  }
}
