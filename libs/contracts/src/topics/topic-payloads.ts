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

/**
 * Bulk fields of a payload that are validated by their own decorators (e.g. "an array of at most 10,000 objects")
 * but not turned into class instances: class-transformer deep-copies every nested value, which cost 3-4x the
 * JSON parse of a 500-record batch. What is inside a record is the export's data, not our contract.
 */
export const OPAQUE_FIELDS: { [T in Topic]?: (keyof TopicPayloads[T] & string)[] } = {
  [Topic.Records]: ['records'],
};
