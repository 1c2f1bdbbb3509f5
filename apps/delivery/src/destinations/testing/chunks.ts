import { Readable } from 'node:stream';
import { ChunkStagedValue, DeliverySpec } from '@cae/contracts';
import { DeliveryInput } from '../destination';

/** A staged chunk of a test job, delivered to `delivery`. */
export function stagedChunk(delivery: DeliverySpec, over: Partial<ChunkStagedValue> = {}): ChunkStagedValue {
  return {
    jobId: '12345678-aaaa-4bbb-8ccc-1234567890ab',
    accountId: 'acct-1',
    chunkIndex: 0,
    fileName: 'export.csv',
    stagingKey: 'staging/acct-1/export.csv',
    records: 1,
    bytes: 6,
    sha256: '0'.repeat(64),
    firstSeq: 0,
    compressed: false,
    chunked: false,
    last: true,
    delivery,
    ...over,
  };
}

/** What a destination is given to deliver that chunk: its bytes and credentials. */
export function deliveryInput(
  delivery: DeliverySpec,
  secrets: DeliveryInput['secrets'],
  body = 'a,b\r\n',
): DeliveryInput {
  return { chunk: stagedChunk(delivery), secrets, open: async () => Readable.from([Buffer.from(body)]) };
}
