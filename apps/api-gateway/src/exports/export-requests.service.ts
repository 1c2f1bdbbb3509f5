import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '@cae/kafka';
import { JobDocument } from '@cae/mongo';
import { ApiError } from '../http/api-error';
import { JobRepository } from '../jobs/job.repository';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { DryRunAnswer, DryRunService } from './dry-run/dry-run.service';
import { ExportsService, JobAlreadyCreatedError, PreparedExport } from './exports.service';
import {
  decide,
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotencyDecision,
  IdempotencyRecord,
  idempotencyRecordId,
} from './idempotency/idempotency-record';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { Fingerprint, RequestFingerprints } from './idempotency/request-fingerprint';
import { ExportQuota } from './quota/export-quota';
import { RetryLaterError } from './retry-later.error';

/** What the POST answers: the job, and whether it was made by an earlier request with the same Idempotency-Key. */
export interface CreatedExport {
  jobId: string;
  name: string;
  replayed: boolean;
}

/** When to try again after TOO_MANY_ACTIVE_EXPORTS: exports take seconds to hours; polling faster helps nobody. */
export const QUOTA_RETRY_AFTER_SECONDS = 30;

/** The job id a dry run is checked with: it names nothing (the default `name` is shown as `export-xxxxxxxx`). */
const DRY_RUN_JOB_ID = '00000000-0000-4000-8000-000000000000';

/** Races on one key a request waits out (each one means another attempt changed the record meanwhile). */
const MAX_CLAIM_ATTEMPTS = 3;

/**
 * `POST /v2/contactactivityexport` with its controls: the Idempotency-Key, the per-account quota and the dry run.
 * Order matters: the request is checked in full before its key is claimed or a slot taken, so a refused request
 * consumes neither; a refusal by the quota gives the key back.
 */
@Injectable()
export class ExportRequests {
  private readonly logger = new Logger(ExportRequests.name);

  constructor(
    private readonly exports: ExportsService,
    private readonly keys: IdempotencyRepository,
    private readonly fingerprints: RequestFingerprints,
    private readonly quota: ExportQuota,
    private readonly jobs: JobRepository,
    private readonly dryRuns: DryRunService,
  ) {}

  async create(accountId: string, dto: ContactActivityExportDto, idempotencyKey?: string): Promise<CreatedExport> {
    if (idempotencyKey === undefined) return this.admitAndCommit(await this.exports.prepare(accountId, dto));
    const fingerprint = this.fingerprints.of(dto);
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const decision = decide(await this.keys.find(accountId, idempotencyKey), fingerprint, new Date());
      switch (decision.kind) {
        case 'reused':
          throw new ApiError(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was used in the last 24 hours with another request body; use a new key for a new request',
          );
        case 'in-progress':
          throw inProgress();
        case 'replay':
          return { jobId: decision.jobId, name: decision.name, replayed: true };
      }
      const created = await this.claimAndCreate(accountId, idempotencyKey, fingerprint, dto, decision);
      if (created) return created;
    }
    throw inProgress();
  }

  /** Counts what the export would read; nothing is stored, no key claimed, nothing published. */
  async dryRun(accountId: string, dto: ContactActivityExportDto): Promise<DryRunAnswer> {
    if (dto.selected_audience_key !== undefined) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: dryRun', [
        {
          field: 'dryRun',
          reasons: [
            'a dry run cannot count the activities of an audience (selected_audience_key): remove one of the two',
          ],
        },
      ]);
    }
    const prepared = await this.exports.prepare(accountId, dto, DRY_RUN_JOB_ID);
    return this.dryRuns.plan(prepared.request, dto.name !== undefined);
  }

  /**
   * Claims the key (insert-first: the unique `_id` picks one winner among concurrent attempts, on every replica),
   * then creates the job. Null when another attempt changed the record first: the caller reads it again.
   */
  private async claimAndCreate(
    accountId: string,
    key: string,
    fingerprint: Fingerprint,
    dto: ContactActivityExportDto,
    decision: Extract<IdempotencyDecision, { kind: 'claim' | 'replace' | 'take-over' }>,
  ): Promise<CreatedExport | null> {
    let jobId: string = randomUUID();
    if (decision.kind === 'take-over') {
      // The attempt that claimed the key stopped answering. Its job may exist (it died after the insert): that job
      // is the answer. If not, the same id is used, so a late insert by that attempt collides with this one.
      const { previous } = decision;
      const job = await this.jobs.findOne(accountId, previous.jobId);
      if (job && !wasNeverQueued(job)) {
        await this.keys.complete(previous, job.name);
        return { jobId: job._id, name: job.name, replayed: true };
      }
      if (!job) jobId = previous.jobId;
    }
    const prepared = await this.exports.prepare(accountId, dto, jobId);
    const now = new Date();
    const claim: IdempotencyRecord = {
      _id: idempotencyRecordId(accountId, key),
      accountId,
      key,
      fingerprint: fingerprint.value,
      fingerprintKeyId: fingerprint.keyId,
      jobId,
      state: 'pending',
      claimToken: randomBytes(16).toString('hex'),
      claimedAt: now,
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
    };
    const claimed =
      decision.kind === 'claim' ? await this.keys.insert(claim) : await this.keys.replace(decision.previous, claim);
    return claimed ? this.admitAndCommit(prepared, claim) : null;
  }

  /** Takes a quota slot, then creates the job; a refusal or a failure gives the slot and the key back. */
  private async admitAndCommit(prepared: PreparedExport, claim?: IdempotencyRecord): Promise<CreatedExport> {
    const { accountId, jobId } = prepared;
    const slot = await this.quota.admit(accountId, jobId);
    if (!slot) {
      if (claim) await this.settle(prepared, 'release the Idempotency-Key', this.keys.release(claim));
      throw new RetryLaterError(
        429,
        'TOO_MANY_ACTIVE_EXPORTS',
        `this account already has ${this.quota.limit} exports pending or processing (MAX_ACTIVE_EXPORTS_PER_ACCOUNT); ` +
          'retry once one of them ended',
        QUOTA_RETRY_AFTER_SECONDS,
      );
    }
    try {
      const created = await this.exports.commit(prepared);
      // Left pending if this fails: a retry after IDEMPOTENCY_CLAIM_MS finds the job and answers it.
      if (claim) await this.settle(prepared, 'mark the Idempotency-Key done', this.keys.complete(claim, created.name));
      return { ...created, replayed: false };
    } catch (error) {
      await this.settle(prepared, 'release the quota slot', this.quota.release(slot));
      if (error instanceof JobAlreadyCreatedError && claim) {
        // The attempt this one took the key over from made the job after all: it is the answer.
        await this.settle(prepared, 'mark the Idempotency-Key done', this.keys.complete(claim, prepared.name));
        return { jobId, name: prepared.name, replayed: true };
      }
      if (claim) await this.settle(prepared, 'release the Idempotency-Key', this.keys.release(claim));
      throw error;
    }
  }

  /** Book-keeping after the outcome is decided: a failure is logged, never answered in place of the outcome. */
  private async settle({ jobId, accountId }: PreparedExport, what: string, work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (error) {
      this.logger.warn({ message: `could not ${what}`, jobId, accountId, error: errorMessage(error) });
    }
  }
}

function inProgress(): RetryLaterError {
  return new RetryLaterError(
    409,
    'IDEMPOTENCY_REQUEST_IN_PROGRESS',
    'a request with this Idempotency-Key is still being processed; retry in 1 s',
    1,
  );
}

/** The job of a request whose publish failed (503 QUEUE_UNAVAILABLE): its client was told to retry for a new job. */
function wasNeverQueued(job: JobDocument): boolean {
  return job.status === 'failed' && job.error?.code === 'QUEUE_UNAVAILABLE';
}
