import { ChunkStagedValue } from '../chunks';
import { DeadLetterValue } from '../dead-letter';
import { JobStatusValue } from '../job-status';
import { RecordsBatchValue } from '../records';
import { ExportRequestedValue } from '../requested';
import { Topic } from './topic';

/** Ties every topic to its payload class at compile time: `publish(Topic.Records, value)` only takes a batch. */
export interface TopicPayloads {
  [Topic.Requested]: ExportRequestedValue;
  [Topic.Records]: RecordsBatchValue;
  [Topic.Chunks]: ChunkStagedValue;
  [Topic.JobStatus]: JobStatusValue;
  [Topic.DeadLetter]: DeadLetterValue;
}

type PayloadClass<T extends Topic> = new () => TopicPayloads[T];

export const PAYLOAD_CLASSES: { [T in Topic]: PayloadClass<T> } = {
  [Topic.Requested]: ExportRequestedValue,
  [Topic.Records]: RecordsBatchValue,
  [Topic.Chunks]: ChunkStagedValue,
  [Topic.JobStatus]: JobStatusValue,
  [Topic.DeadLetter]: DeadLetterValue,
};
