import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { Topic } from './topic';
import { OPAQUE_FIELDS, PAYLOAD_CLASSES, TopicPayloads } from './topic-payloads';
import { RecordsBatchValue } from '../records/value';

/** A payload that does not match its topic's contract. Never retriable: it goes to the dead-letter topic. */
export class InvalidPayloadError extends Error {
  constructor(
    readonly topic: Topic,
    readonly problems: string[],
  ) {
    super(`invalid ${topic} payload: ${problems.join('; ')}`);
    this.name = 'InvalidPayloadError';
  }
}

/** Flattens nested class-validator errors into `path: reason` strings. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => `${path}: ${reason}`);
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/** Validates an already parsed payload (e.g. one a framework deserialised) against its topic's contract. */
export function validatePayload<T extends Topic>(topic: T, plain: unknown): TopicPayloads[T] {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new InvalidPayloadError(topic, ['payload is not a JSON object']);
  }
  const { envelope, opaque } = splitOpaque(topic, plain as Record<string, unknown>);
  const instance = Object.assign(
    plainToInstance(PAYLOAD_CLASSES[topic], envelope) as object,
    opaque,
  ) as TopicPayloads[T];
  const problems = describeValidationErrors(validateSync(instance as object, { forbidUnknownValues: true }));
  if (problems.length > 0) throw new InvalidPayloadError(topic, problems);
  return instance;
}

/** The payload without its opaque fields (see OPAQUE_FIELDS), and those fields as they are. */
function splitOpaque(
  topic: Topic,
  plain: Record<string, unknown>,
): { envelope: Record<string, unknown>; opaque: Record<string, unknown> } {
  const fields: string[] = OPAQUE_FIELDS[topic] ?? [];
  if (fields.length === 0) return { envelope: plain, opaque: {} };
  const envelope = { ...plain };
  const opaque: Record<string, unknown> = {};
  for (const field of fields) {
    if (field in envelope) opaque[field] = envelope[field];
    delete envelope[field];
  }
  return { envelope, opaque };
}

/**
 * Validates a payload against its topic's contract and serialises it. Invalid payloads are never produced. The
 * envelope is validated in its wire form (dates as strings, undefined left out); opaque fields (a batch's records,
 * plain objects) as they are, so a batch is serialised once, not serialised, parsed and copied.
 */
export function encodePayload<T extends Topic>(topic: T, value: TopicPayloads[T]): Buffer {
  const json = JSON.stringify(value);
  const { envelope, opaque } = splitOpaque(topic, value as unknown as Record<string, unknown>);
  validatePayload(topic, { ...(JSON.parse(JSON.stringify(envelope)) as object), ...opaque });
  return Buffer.from(json);
}

/**
 * Encodes a records batch whose records are already JSON texts, each an object's (the query service serialises a
 * record once, on its way into the sort, and keeps only its text): the envelope is validated as by encodePayload,
 * the texts are spliced in as they are, so no record is parsed or serialised again. A text that is not an object's
 * is refused like a record that is not an object.
 */
export function encodeRecordsBatch(
  envelope: Omit<RecordsBatchValue, 'records'>,
  recordTexts: readonly string[],
): Buffer {
  const { records: _ignored, ...fields } = envelope as Omit<RecordsBatchValue, 'records'> & { records?: unknown };
  const head = JSON.stringify({ ...fields, records: [] }); // ends with "records":[]}
  const notObject = recordTexts.findIndex((text) => text.charCodeAt(0) !== 0x7b /* { */);
  if (notObject >= 0) throw new InvalidPayloadError(Topic.Records, [`records.${notObject}: must be a JSON object`]);
  // Counted and checked as records like any other batch's (placeholders: the texts are objects).
  validatePayload(Topic.Records, { ...(JSON.parse(head) as object), records: recordTexts.map(() => ({})) });
  return Buffer.from(`${head.slice(0, -2)}${recordTexts.join(',')}]}`);
}

/** Parses and validates a consumed payload. Throws InvalidPayloadError for anything off-contract. */
export function decodePayload<T extends Topic>(topic: T, raw: Buffer | string | null): TopicPayloads[T] {
  if (raw === null) throw new InvalidPayloadError(topic, ['empty message']);
  let plain: unknown;
  try {
    plain = JSON.parse(raw.toString());
  } catch {
    throw new InvalidPayloadError(topic, ['payload is not valid JSON']);
  }
  return validatePayload(topic, plain);
}

/**
 * The `accountId` of a payload that failed validation, when it still names one, so the failure its job gets can
 * carry its tenant. Internal topics only carry what our own services produced, so a named account is believed.
 */
export function accountIdOf(raw: Buffer | string | null): string | undefined {
  try {
    const plain: unknown = JSON.parse(raw?.toString() ?? '');
    const accountId = (plain as { accountId?: unknown } | null)?.accountId;
    return typeof accountId === 'string' && accountId.length > 0 && accountId.length <= 128 ? accountId : undefined;
  } catch {
    return undefined;
  }
}
