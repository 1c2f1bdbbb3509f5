import {
  accountIdOf,
  decodePayload,
  encodePayload,
  encodeRecordsBatch,
  InvalidPayloadError,
  validatePayload,
} from './codec';
import { Topic } from './topic';

const jobId = '0b6f7f1e-2a7c-4d6a-9d7e-3f1c2b4a5d6e';
const status = {
  type: 'query.started',
  jobId,
  accountId: 'acc',
  at: new Date(0).toISOString(),
  service: 'query',
  totalItems: 3,
};

describe('payload codec', () => {
  it('round-trips a valid payload', () => {
    const sut = decodePayload(Topic.JobStatus, encodePayload(Topic.JobStatus, status as never));
    expect(sut).toMatchObject(status);
  });

  it('refuses to produce an off-contract payload', () => {
    expect(() => encodePayload(Topic.JobStatus, { ...status, totalItems: -1 } as never)).toThrow(InvalidPayloadError);
  });

  it('names every problem of a consumed payload', () => {
    const raw = Buffer.from(JSON.stringify({ ...status, jobId: 'nope', type: 'query.started', totalItems: 'x' }));
    try {
      decodePayload(Topic.JobStatus, raw);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect((error as InvalidPayloadError).problems.join('\n')).toMatch(/jobId/);
      expect((error as InvalidPayloadError).problems.join('\n')).toMatch(/totalItems/);
    }
  });

  it('rejects non-JSON and non-object payloads', () => {
    expect(() => decodePayload(Topic.Records, Buffer.from('{oops'))).toThrow(/not valid JSON/);
    expect(() => decodePayload(Topic.Records, Buffer.from('[1]'))).toThrow(/not a JSON object/);
    expect(() => decodePayload(Topic.Records, null)).toThrow(/empty message/);
  });

  it('validates nested specs', () => {
    const raw = {
      jobId,
      accountId: 'a',
      batchSeq: 0,
      firstSeq: 0,
      records: [],
      final: true,
      output: { format: 'csv', showHeader: true, showAllProperties: false, compress: false, fileBaseName: '../etc' },
      delivery: { kind: 'internal' },
    };
    expect(() => decodePayload(Topic.Records, Buffer.from(JSON.stringify(raw)))).toThrow(/fileBaseName/);
  });

  it('reads the tenant of an off-contract payload when it names one, and nothing else', () => {
    expect(accountIdOf(Buffer.from(JSON.stringify({ accountId: 'acc', batchSeq: 'x' })))).toBe('acc');
    expect(accountIdOf(Buffer.from('{oops'))).toBeUndefined();
    expect(accountIdOf(Buffer.from('null'))).toBeUndefined();
    expect(accountIdOf(Buffer.from(JSON.stringify({ accountId: 7 })))).toBeUndefined();
    expect(accountIdOf(Buffer.from(JSON.stringify({ accountId: 'x'.repeat(500) })))).toBeUndefined();
    expect(accountIdOf(null)).toBeUndefined();
  });

  it('accepts query.started without a count (the job is claimed, not yet counted)', () => {
    const { totalItems: _count, ...claimed } = status;
    expect(() => encodePayload(Topic.JobStatus, claimed as never)).not.toThrow();
  });

  describe('records batches: the envelope is validated, the records are only checked to be objects', () => {
    const batch = (records: unknown) => ({
      jobId,
      accountId: 'a',
      batchSeq: 0,
      firstSeq: 0,
      records,
      final: false,
      output: { format: 'csv', showHeader: true, showAllProperties: false, compress: false, fileBaseName: 'x' },
      delivery: { kind: 'internal' },
    });

    it('hands the parsed records on as they are, without copying each one', () => {
      const records = [{ _id: '1', properties: { deep: { list: [1, 'x'] } } }, { _id: '2' }];
      const plain = batch(records);
      const sut = validatePayload(Topic.Records, plain);
      expect(sut.records).toBe(records);
      expect(sut.records[0]).toBe(records[0]);
    });

    it('still refuses records that are not objects, too many records, and a bad envelope', () => {
      expect(() => validatePayload(Topic.Records, batch([{ a: 1 }, 'text']))).toThrow(/records/);
      expect(() => validatePayload(Topic.Records, batch([[1]]))).toThrow(/records/);
      expect(() => validatePayload(Topic.Records, batch({ a: 1 }))).toThrow(/records/);
      expect(() => validatePayload(Topic.Records, batch(Array.from({ length: 10_001 }, () => ({}))))).toThrow(
        /records/,
      );
      expect(() => validatePayload(Topic.Records, { ...batch([{}]), batchSeq: -1 })).toThrow(/batchSeq/);
    });

    it('encodes a batch whose records hold dates and nested values as plain JSON', () => {
      const value = batch([{ time: new Date(0), nested: { a: [1] } }]);
      const decoded = decodePayload(Topic.Records, encodePayload(Topic.Records, value as never));
      expect(decoded.records).toEqual([{ time: '1970-01-01T00:00:00.000Z', nested: { a: [1] } }]);
    });

    it('splices records given as JSON texts into the same batch encodePayload makes', () => {
      const records = [{ _id: '1', properties: { 'a "b"': [1, null, { c: 'd,e' }] } }, { _id: '2' }];
      const { records: _records, ...envelope } = batch(records);
      const wire = encodeRecordsBatch(
        envelope as never,
        records.map((record) => JSON.stringify(record)),
      );
      expect(decodePayload(Topic.Records, wire)).toEqual(
        decodePayload(Topic.Records, encodePayload(Topic.Records, batch(records) as never)),
      );
      const { records: _none, ...empty } = batch([]);
      expect(decodePayload(Topic.Records, encodeRecordsBatch(empty as never, [])).records).toEqual([]);
    });

    it('refuses record texts that are not objects, too many of them, and a bad envelope', () => {
      const { records: _records, ...envelope } = batch([]);
      expect(() => encodeRecordsBatch(envelope as never, ['{}', '[1]'])).toThrow(/records\.1/);
      expect(() => encodeRecordsBatch(envelope as never, ['"text"'])).toThrow(InvalidPayloadError);
      expect(() =>
        encodeRecordsBatch(
          envelope as never,
          Array.from({ length: 10_001 }, () => '{}'),
        ),
      ).toThrow(/records/);
      expect(() => encodeRecordsBatch({ ...envelope, batchSeq: -1 } as never, ['{}'])).toThrow(/batchSeq/);
    });
  });
});
