import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { claimWorkDir, serviceMetrics } from '@cae/service-kit';
import { Document, ObjectId } from 'mongodb';
import { Collections, Db, EXPORT_SORT, JobEndings, MONGO_DB, ResumePoint } from '@cae/mongo';
import { OutputSpec, recordsKey, Topic } from '@cae/contracts';
import { recordKeyOf, toExportRecord } from '@cae/formats';
import { ContractProducer, JobStatusFact, PRODUCER, publishJobStatus } from '@cae/kafka';
import { QueryEnv } from '../../config/query-env';
import { CheckpointRepository, QueryCheckpoint } from '../scheduling/checkpoint.repository';
import { withAllSystemProperties } from './all-properties';
import { filteredInGroups } from '../scope/audience-membership';
import { ExportScopeResolver } from '../scope/export-scope';
import { surveyExport, surveyNeedsPass, SurveyResult } from './export-survey';
import { InputSurvey } from './input-survey';
import { BackgroundCount, mustHaveCountBefore } from './background-count';
import { sortedInExportOrder } from './export-order-sort';
import { preparedRecords } from './prepared-record';
import { checkFileCount } from './file-count';
import { LeaseLostError, StopRequestedError, throwIfLeaseLost } from '../scheduling/lease-keeper';
import { Batch, RecordBatcher } from './record-batcher';
import { OneInFlight } from './one-in-flight';
import { ChunkEndHold } from './chunk-end-hold';

/**
 * Streams one job's matching activities, in export order, onto the records topic. Resumes from its checkpoint;
 * one batch per job is in flight at a time (the backpressure), and the checkpoint moves on only once its batch is
 * on the broker; the next batch is prepared meanwhile.
 */
@Injectable()
export class ExportQueryRunner {
  private readonly logger = new Logger(ExportQueryRunner.name);
  private sortDirClaim?: Promise<string>;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly checkpoints: CheckpointRepository,
    private readonly scopes: ExportScopeResolver,
    private readonly jobs: JobEndings,
    private readonly env: QueryEnv,
  ) {}

  /**
   * `lease` is aborted by the LeaseKeeper once this replica lost the job: the run stops at once, without side
   * effects. `stopping` is aborted on SIGTERM: the run stops at the next batch boundary, after its checkpoint.
   */
  async run(checkpoint: QueryCheckpoint, lease?: AbortSignal, stopping?: AbortSignal): Promise<void> {
    const { request } = checkpoint;
    const { jobId, accountId } = request;
    await this.jobs.assertRunning(jobId, 'before the query');
    const scope = await this.scopes.resolve(request);
    const activities = this.db.collection(Collections.activities);

    const interrupt = stopping && lease ? AbortSignal.any([lease, stopping]) : (lease ?? stopping);
    // QUERY_SORT=service marks a database (FerretDB 1.x) that must neither sort nor aggregate a whole export.
    const sortHere = this.env.QUERY_SORT === 'service';
    const audience = scope.audience;
    const keep = audience ? (group: Document[]) => audience.keep(group) : null;
    let systemPropertyKeys = checkpoint.systemPropertyKeys;
    let pendingCount: BackgroundCount | undefined;
    let inputSurvey: InputSurvey | undefined;
    if (checkpoint.totalItems === undefined) {
      // Processing from the moment a replica works on it, even while a long survey counts the records.
      await this.publishStatus(checkpoint, { type: 'query.started' });
      if (sortHere) {
        // Surveyed on the way into the sort (see InputSurvey): the database is read once.
        inputSurvey = new InputSurvey(request.output.showAllProperties === true);
      } else if (surveyNeedsPass(scope, request.output.showAllProperties)) {
        // An audience or showAllProperties survey stops when the lease is lost or the service stops.
        const plan = await surveyExport(activities, scope, request.output.showAllProperties, interrupt);
        throwIfLeaseLost(interrupt);
        systemPropertyKeys = plan.systemPropertyKeys;
        await this.takeCount(checkpoint, plan);
      } else {
        pendingCount = new BackgroundCount(activities.countDocuments(scope.activityFilter()));
      }
    }
    // Fixed once by the survey and kept in the checkpoint: every chunk, even after a resume, has the same columns.
    let output = withAllSystemProperties(request.output, systemPropertyKeys);
    const { limitRecordsPerFile } = request.output;
    /** Takes the input survey once it is final: at the sort's first record, so TOO_MANY_FILES comes before any batch. */
    const takeInputSurvey = async () => {
      if (!inputSurvey) return;
      const plan = inputSurvey.result(checkpoint.nextSeq);
      inputSurvey = undefined;
      output = withAllSystemProperties(request.output, plan.systemPropertyKeys);
      await this.takeCount(checkpoint, plan);
    };
    /** Waits for the background count where a file could be finished next (see mustHaveCountBefore). */
    const countBefore = async (firstSeq: number, records: number, final: boolean) => {
      if (!pendingCount || !(pendingCount.ready || mustHaveCountBefore(firstSeq, records, limitRecordsPerFile, final)))
        return;
      const totalItems = await pendingCount.value(interrupt);
      pendingCount = undefined;
      await this.takeCount(checkpoint, { totalItems });
    };

    const after =
      checkpoint.lastTime && checkpoint.lastId ? { time: checkpoint.lastTime, id: checkpoint.lastId } : undefined;
    const cursor = activities.find(scope.activityFilter(after)).batchSize(1_000);
    if (!sortHere) cursor.sort(EXPORT_SORT);
    // A lost lease or a stop request closes the cursor, which ends a read that is waiting on the database (a sort of
    // the whole export, in the database or here, can take minutes before the first record).
    const closeCursor = () => void cursor.close().catch(() => undefined);
    interrupt?.addEventListener('abort', closeCursor);
    // The audience is applied to documents as they come, in whatever order: here before the service sort, so that
    // the input survey counts members only.
    const members = filteredInGroups(cursor, keep);
    // Each record is serialised once, as it comes (see PreparedRecord): before the sort, while the database reads.
    const matching = sortHere
      ? sortedInExportOrder(preparedRecords(inputSurvey?.counted(members) ?? members), {
          dir: await this.sortDir(),
          runBytes: this.env.QUERY_SORT_RUN_MIB * 1024 * 1024,
        })
      : preparedRecords(members);
    let { nextSeq, nextBatchSeq } = checkpoint;
    const chunks = limitRecordsPerFile ? { firstSeq: nextSeq, recordsPerChunk: limitRecordsPerFile } : undefined;
    const batcher = new RecordBatcher<ResumePoint>(this.env.QUERY_BATCH_RECORDS, this.env.QUERY_BATCH_BYTES, chunks);
    // The continuity key of each batch: the record before its first one, as the writer should have it last.
    let previous = after && resumeKeyOf(after);
    const publish = async (batch: Batch<ResumePoint>, final: boolean) => {
      await countBefore(nextSeq, batch.records.length, final);
      const place = { batchSeq: nextBatchSeq, firstSeq: nextSeq, after: previous };
      await this.publishBatch(
        checkpoint,
        output,
        place,
        batch.records,
        final,
        final ? nextSeq + batch.records.length : undefined,
      );
      serviceMetrics.recordsRead.inc(batch.records.length);
      nextSeq += batch.records.length;
      nextBatchSeq += 1;
      if (batch.lastKey) previous = resumeKeyOf(batch.lastKey);
    };
    // While a batch is published and checkpointed, the loop merges and formats the next one (see OneInFlight).
    const publishing = new OneInFlight();
    const publishAndSave = (batch: Batch<ResumePoint>) =>
      publishing.next(async () => {
        await publish(batch, false);
        await this.save(jobId, { nextSeq, nextBatchSeq, lastTime: batch.lastKey?.time, lastId: batch.lastKey?.id });
        if (stopping?.aborted) throw new StopRequestedError(`stopping after record ${nextSeq}`);
      });
    // A batch that ends a chunk waits for the next record, or for the end, which makes it final (see ChunkEndHold).
    const chunkEnds = new ChunkEndHold(nextSeq, limitRecordsPerFile, publishAndSave);
    try {
      for await (const record of matching) {
        // Also what keeps a read cut short by a closed cursor (it may end as if complete) from being published.
        throwIfLeaseLost(interrupt);
        await takeInputSurvey();
        await chunkEnds.afterRecord(batcher.add(record.json, { time: record.time as Date, id: record.id as ObjectId }));
      }
      await publishing.drain();
    } catch (error) {
      await publishing.settle(); // no publish may outlive the run, whatever stopped it
      throwIfLeaseLost(interrupt); // the cursor was closed under the read: lease lost or stopping
      throw error;
    } finally {
      interrupt?.removeEventListener('abort', closeCursor);
      await cursor.close();
    }
    throwIfLeaseLost(interrupt);
    await takeInputSurvey(); // an export with no record
    // Either a held chunk end (nothing came after it) or the records since the last batch, possibly none.
    await publish(chunkEnds.takeHeld() ?? batcher.take(), true);
    await this.checkpoints.finish(jobId, this.env.INSTANCE_ID, 'done');
    this.logger.log({ message: 'query finished', jobId, accountId, records: nextSeq });
  }

  /**
   * This process's folder for sorted runs, claimed once (see claimWorkDir): the runs of a killed process, which
   * could not remove them, are removed by the next process that sorts.
   */
  private sortDir(): Promise<string> {
    this.sortDirClaim ??= claimWorkDir(join(this.env.QUERY_SORT_DIR, 'cae-query-sort'));
    return this.sortDirClaim;
  }

  /** Checks and records the export's count: the job's totalItems, and TOO_MANY_FILES before any file is made. */
  private async takeCount(checkpoint: QueryCheckpoint, plan: SurveyResult): Promise<void> {
    const { jobId, accountId, output } = checkpoint.request;
    checkFileCount(plan.totalItems, output.limitRecordsPerFile, this.env.MAX_FILES_PER_JOB);
    await this.publishStatus(checkpoint, { type: 'query.started', totalItems: plan.totalItems });
    await this.save(jobId, plan);
    this.logger.log({ message: 'records counted', jobId, accountId, totalItems: plan.totalItems });
  }

  /** Saves progress after a batch; stops (JobEndedError) once the job ended elsewhere, e.g. its delivery failed. */
  private async save(jobId: string, progress: Partial<QueryCheckpoint>): Promise<void> {
    await this.jobs.assertRunning(jobId, 'while reading');
    const kept = await this.checkpoints.saveProgress(jobId, this.env.INSTANCE_ID, this.env.QUERY_LEASE_MS, progress);
    if (!kept) throw new LeaseLostError(`lease on job ${jobId} lost`);
  }

  private async publishBatch(
    checkpoint: QueryCheckpoint,
    output: OutputSpec,
    place: { batchSeq: number; firstSeq: number; after?: string },
    records: string[],
    final: boolean,
    totalRecords?: number,
  ): Promise<void> {
    const { jobId, accountId, delivery } = checkpoint.request;
    await this.producer.publishRecords(
      recordsKey(jobId, place.firstSeq, output.limitRecordsPerFile),
      { jobId, accountId, ...place, epoch: checkpoint.epoch, final, totalRecords, output, delivery },
      records,
    );
  }

  /**
   * Tells the writer that no more records come for this job (it failed, or ended elsewhere): the writer drops the
   * job's open chunk instead of holding its partition's commit for a final batch that would never come.
   */
  async publishAbort(checkpoint: QueryCheckpoint): Promise<void> {
    const { jobId, accountId, output, delivery } = checkpoint.request;
    // Keyed to the chunk being read: its writer stops at once; writers of other chunks see the job ended.
    await this.producer.publish(Topic.Records, recordsKey(jobId, checkpoint.nextSeq, output.limitRecordsPerFile), {
      jobId,
      accountId,
      batchSeq: checkpoint.nextBatchSeq,
      firstSeq: checkpoint.nextSeq,
      records: [],
      final: true,
      aborted: true,
      output,
      delivery,
    });
  }

  async publishStatus(
    checkpoint: Pick<QueryCheckpoint, 'request'>,
    event: Extract<JobStatusFact, { type: 'query.started' | 'job.failed' }>,
  ): Promise<void> {
    await publishJobStatus(this.producer, 'query', checkpoint.request, event);
  }
}

/** The continuity key of a record at this place in the export order (recordKeyOf its exported time and _id). */
function resumeKeyOf(point: ResumePoint): string {
  return recordKeyOf(toExportRecord({ time: point.time, _id: point.id }));
}
