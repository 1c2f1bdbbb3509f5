import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { Kafka } from 'kafkajs';
import { jobIdOfRecordsKey, RecordsBatchValue, Topic } from '@cae/contracts';
import {
  ConsumedMessage,
  ConsumerControls,
  ContractConsumer,
  ContractProducer,
  KAFKA,
  PRODUCER,
  RejectedMessage,
  reportJobFailure,
} from '@cae/kafka';
import { WriterEnv } from '../config/writer-env';
import { JobEndedError, JobEndings } from '@cae/mongo';
import { ChunkStager } from './chunk-stager.service';
import { chunkPieces } from './chunk-pieces';
import { ChunkRange, JobChunker, RecordGapError, WHOLE_EXPORT } from './job-chunker';
import { chunkProgressId, WriterProgressRepository } from './writer-progress.repository';
import { claimWorkDir, Readiness, serviceMetrics } from '@cae/service-kit';

/** Finished chunks (and unchunked jobs) remembered to drop late duplicates without a database read. */
const DONE_JOBS_KEPT = 1_000;
/** How often a job whose records are being written says so (its open file may take long to fill). */
const TOUCH_EVERY_MS = 30_000;
/**
 * How long an open chunk may wait for records before the writer asks whether its job ended elsewhere. A chunk of a
 * job that failed may never get its records (another chunk's writer saw the end), and would hold its partition's commit.
 */
const IDLE_CHUNK_CHECK_MS = 30_000;
/**
 * How often, at most, the batches of one job make the writer ask whether the job ended elsewhere or was cancelled:
 * a backlog of a cancelled job's records is then skipped within that long instead of being written into files
 * that staging would refuse anyway.
 */
const JOB_END_CHECK_MS = 2_000;

/**
 * Consumes record batches and feeds each chunk's chunker (a chunked export's batches are keyed by job and chunk, so
 * its chunks spread over the partitions and the writer replicas; an unchunked export has one chunker). Offsets are
 * committed by hand: for each partition, up to the first message of the oldest chunk still being written, so after
 * a crash every unstaged record is read again and nothing staged is written twice.
 */
@Injectable()
export class RecordsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RecordsConsumer.name);
  private readonly consumer: ContractConsumer<Topic.Records>;
  /** By `chunkProgressId` (chunked exports) or job id (unchunked ones). */
  private readonly chunkers = new Map<string, JobChunker>();
  private idleCheckedAt = Date.now();
  private readonly committed = new Map<number, string>();
  private readonly touched = new Map<string, number>();
  /** When each job's end was last asked about (JOB_END_CHECK_MS). */
  private readonly endCheckedAt = new Map<string, number>();
  /** This process's own folder under WRITER_TMP_DIR. */
  private workDir = '';

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly stager: ChunkStager,
    private readonly progress: WriterProgressRepository,
    private readonly env: WriterEnv,
    private readonly jobs: JobEndings,
    readiness: Readiness,
  ) {
    this.consumer = new ContractConsumer(kafka, producer, {
      topic: Topic.Records,
      groupId: 'contactactivityexport-writer',
      commit: 'manual',
      // One fetch at most WRITER_FETCH_MAX_BYTES, from one partition or several, so a backlog stays in the memory bound.
      maxBytes: env.WRITER_FETCH_MAX_BYTES,
      maxBytesPerPartition: env.WRITER_FETCH_MAX_BYTES,
      handle: (message, controls) => this.handle(message, controls),
      onRejected: (rejected) => this.failJob(rejected),
      onAssignment: (partitions) => void this.keepOnly(partitions),
      readiness,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.workDir = await claimWorkDir(this.env.WRITER_TMP_DIR);
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await Promise.all([...this.chunkers.values()].map((chunker) => chunker.abandon()));
    if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
  }

  private async handle(message: ConsumedMessage<RecordsBatchValue>, controls: ConsumerControls): Promise<void> {
    const { value, partition, offset } = message;
    try {
      await this.dropChunksOfEndedJobs();
      if (value.aborted) throw new JobEndedError(`job ${value.jobId} was aborted on the query side`);
      await this.assertJobRunning(value.jobId);
      for (const piece of chunkPieces(value)) await this.accept(piece.batch, piece.range, partition, offset);
    } catch (error) {
      if (!(error instanceof JobEndedError)) throw error;
      // The job ended elsewhere: its open chunk is dropped (so it holds no commit) and its later batches are skipped.
      this.logger.warn({
        message: 'job ended; writing stopped',
        jobId: value.jobId,
        accountId: value.accountId,
        reason: error.message,
      });
      await this.stopJob(value.jobId);
    }
    await this.commitSafeOffset(partition, offset, controls);
  }

  private async accept(value: RecordsBatchValue, range: ChunkRange, partition: number, offset: string): Promise<void> {
    const key = range === WHOLE_EXPORT ? value.jobId : chunkProgressId(value.jobId, range.index);
    let chunker = await this.chunkerFor(key, value.jobId, range, partition);
    try {
      await chunker.accept(value, offset);
    } catch (error) {
      if (!(error instanceof RecordGapError)) throw error;
      // In-memory state went stale (the partition moved away and back): start again from what is staged.
      this.logger.warn({
        message: 'reloading job state',
        jobId: value.jobId,
        accountId: value.accountId,
        reason: error.message,
      });
      await this.forget(key);
      chunker = await this.chunkerFor(key, value.jobId, range, partition);
      await chunker.accept(value, offset);
    }
    serviceMetrics.recordsWritten.inc(value.records.length);
    if (chunker.done) {
      this.trimDone();
      if (this.touched.size > DONE_JOBS_KEPT) this.touched.clear(); // at worst one touch more per job
    } else if (Date.now() - (this.touched.get(value.jobId) ?? 0) >= TOUCH_EVERY_MS) {
      await this.progress.touch(value.jobId);
      this.touched.set(value.jobId, Date.now());
    }
  }

  /** Throws JobEndedError when the job ended, asking the database at most every JOB_END_CHECK_MS per job. */
  private async assertJobRunning(jobId: string): Promise<void> {
    const now = Date.now();
    if (now - (this.endCheckedAt.get(jobId) ?? 0) < JOB_END_CHECK_MS) return;
    if (this.endCheckedAt.size > DONE_JOBS_KEPT) this.endCheckedAt.clear(); // at worst one read more per job
    this.endCheckedAt.set(jobId, now);
    await this.jobs.assertRunning(jobId, 'while writing');
  }

  /** Drops the job's open chunks here and marks it done, so its later (or replayed) batches are skipped everywhere. */
  private async stopJob(jobId: string): Promise<void> {
    this.touched.delete(jobId);
    for (const [key, chunker] of [...this.chunkers]) if (chunker.jobId === jobId) await this.forget(key);
    await this.progress.markJobDone(jobId, 'stopped');
  }

  /**
   * Now and then, asks whether the jobs of chunks that have waited long for records ended elsewhere (failed in the
   * query after another chunk's last batch, or in delivery): those chunks are dropped, so they hold no commit.
   */
  private async dropChunksOfEndedJobs(): Promise<void> {
    const now = Date.now();
    if (now - this.idleCheckedAt < IDLE_CHUNK_CHECK_MS) return;
    this.idleCheckedAt = now;
    // By job, with its account (from the chunker's batches, for the log).
    const waiting = new Map(
      [...this.chunkers.values()]
        .filter((c) => !c.done && now - c.lastBatchAt >= IDLE_CHUNK_CHECK_MS)
        .map((c) => [c.jobId, c.accountId]),
    );
    for (const [jobId, accountId] of waiting) {
      if (!(await this.jobs.hasEnded(jobId))) continue;
      this.logger.warn({ message: 'job ended; its waiting chunks dropped', jobId, accountId });
      await this.stopJob(jobId);
    }
  }

  private async chunkerFor(key: string, jobId: string, range: ChunkRange, partition: number): Promise<JobChunker> {
    const known = this.chunkers.get(key);
    if (known) return known;
    const progress = await this.progress.load(jobId, range === WHOLE_EXPORT ? undefined : range);
    const chunker = new JobChunker(
      jobId,
      partition,
      progress,
      this.workDir,
      (chunk) => this.stager.stage(chunk),
      undefined,
      range,
    );
    this.chunkers.set(key, chunker);
    return chunker;
  }

  /** Commits the earliest offset any open chunk of this partition still needs, or past this message. */
  private async commitSafeOffset(partition: number, offset: string, controls: ConsumerControls): Promise<void> {
    let safe = BigInt(offset) + 1n;
    for (const chunker of this.chunkers.values()) {
      const held = chunker.partition === partition ? chunker.heldOffset : null;
      if (held !== null && BigInt(held) < safe) safe = BigInt(held);
    }
    const next = safe.toString();
    if (this.committed.get(partition) === next) return;
    await controls.commit(partition, next);
    this.committed.set(partition, next);
  }

  private async forget(key: string): Promise<void> {
    await this.chunkers.get(key)?.abandon();
    this.chunkers.delete(key);
  }

  private trimDone(): void {
    const done = [...this.chunkers].filter(([, chunker]) => chunker.done);
    for (const [key] of done.slice(0, Math.max(0, done.length - DONE_JOBS_KEPT))) this.chunkers.delete(key);
  }

  /** After a rebalance, forgets the jobs of partitions this member lost; their new owner re-reads them. */
  private async keepOnly(partitions: number[]): Promise<void> {
    const kept = new Set(partitions);
    this.committed.clear();
    for (const [key, chunker] of [...this.chunkers]) {
      if (!kept.has(chunker.partition)) await this.forget(key);
    }
  }

  private async failJob({ key: messageKey, accountId, error }: RejectedMessage): Promise<void> {
    if (!messageKey) return;
    const key = jobIdOfRecordsKey(messageKey);
    // Later batches of a failed job are skipped rather than written.
    await this.stopJob(key).catch(() => undefined);
    await reportJobFailure(
      this.producer,
      {
        service: 'writer',
        jobId: key,
        accountId,
        code: 'code' in error ? error.code : 'INVALID_RECORDS_MESSAGE',
        message: `writing the export files failed: ${error.message.slice(0, 500)}`,
      },
      (publishError) =>
        this.logger.error({ message: 'could not report failure', jobId: key, accountId, error: String(publishError) }),
    );
  }
}
