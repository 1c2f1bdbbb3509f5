import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, ObjectId } from 'mongodb';
import { filteredInGroups } from '../scope/audience-membership';
import { sortedInExportOrder } from './export-order-sort';
import { preparedRecords } from './prepared-record';
import { InputSurvey } from './input-survey';

async function* from(items: Document[]): AsyncGenerator<Document> {
  yield* items;
}

function activities(count: number): Document[] {
  return Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    time: new Date(Date.UTC(2019, 2, 20) + ((i * 7919) % count) * 1000),
    cID: `c${i % 10}`,
    system_properties: i % 3 === 0 ? { [`k${i % 4}`]: i, 'not.usable': 1 } : undefined,
  }));
}

describe(InputSurvey.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'input-survey-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is final when the sort yields its first record, with runs on disk', async () => {
    const input = activities(3_000);
    const sut = new InputSurvey(true);
    const sorted = sortedInExportOrder(preparedRecords(sut.counted(from(input))), { dir, runBytes: 16 * 1024 });
    const first = await sorted.next();
    expect(first.done).toBe(false);
    expect(sut.result(0)).toEqual({ totalItems: 3_000, systemPropertyKeys: ['k0', 'k1', 'k2', 'k3'] });
    let rest = 0;
    for await (const _document of sorted) rest += 1;
    expect(rest).toBe(2_999);
    expect(sut.result(0).totalItems).toBe(3_000);
  });

  it('counts only the members an audience keeps, when it is applied before the sort', async () => {
    const input = activities(1_234);
    const sut = new InputSurvey(false);
    const keep = async (group: Document[]) => group.filter((document) => document.cID === 'c3');
    const output: unknown[] = [];
    for await (const document of sortedInExportOrder(
      preparedRecords(sut.counted(filteredInGroups(from(input), keep, 100))),
      {
        dir,
        runBytes: 1024 * 1024,
      },
    )) {
      output.push(document);
    }
    const members = input.filter((document) => document.cID === 'c3').length;
    expect(output).toHaveLength(members);
    expect(sut.result(0)).toEqual({ totalItems: members, systemPropertyKeys: undefined });
  });

  it('adds the records an earlier run published, on a resume', async () => {
    const sut = new InputSurvey(false);
    for await (const _document of sut.counted(from(activities(10)))) void _document;
    expect(sut.result(500).totalItems).toBe(510);
  });

  it('is zero for an export with no record', async () => {
    const sut = new InputSurvey(true);
    const sorted = sortedInExportOrder(preparedRecords(sut.counted(from([]))), { dir, runBytes: 1024 });
    expect((await sorted.next()).done).toBe(true);
    expect(sut.result(0)).toEqual({ totalItems: 0, systemPropertyKeys: [] });
  });
});
