import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { indexDescription, indexLabel, INDEXES, IndexSpec, missingIndexes } from './indexes';

/** A database whose collections have the given indexes; an absent collection answers as MongoDB does. */
function fakeDb(indexes: Record<string, { key: Record<string, number>; unique?: boolean }[]>): Db {
  return {
    collection: (name: string) => ({
      listIndexes: () => ({
        toArray: async () => {
          if (!(name in indexes))
            throw Object.assign(new Error('ns does not exist'), { codeName: 'NamespaceNotFound' });
          return indexes[name];
        },
      }),
    }),
  } as unknown as Db;
}

const byKey: IndexSpec = { collection: 'c', key: { a: 1, b: -1 }, usedBy: ['query'], why: 'test' };
const unique: IndexSpec = { collection: 'c', key: { k: 1 }, unique: true, usedBy: ['query'], why: 'test' };

describe(missingIndexes.name, () => {
  it('finds an index by its key, in order and direction, whatever its name', async () => {
    expect(await missingIndexes(fakeDb({ c: [{ key: { a: 1, b: -1 } }] }), [byKey])).toEqual([]);
    expect(await missingIndexes(fakeDb({ c: [{ key: { b: -1, a: 1 } }] }), [byKey])).toEqual([byKey]);
    expect(await missingIndexes(fakeDb({ c: [{ key: { a: 1, b: 1 } }] }), [byKey])).toEqual([byKey]);
  });

  it('requires uniqueness where the spec has it, and counts every index of an absent collection as missing', async () => {
    expect(await missingIndexes(fakeDb({ c: [{ key: { k: 1 } }] }), [unique])).toEqual([unique]);
    expect(await missingIndexes(fakeDb({ c: [{ key: { k: 1 }, unique: true }] }), [unique])).toEqual([]);
    expect(await missingIndexes(fakeDb({}), [byKey, unique])).toEqual([byKey, unique]);
  });

  it('passes other database errors on (a check that could not run is not a pass)', async () => {
    const db = {
      collection: () => ({ listIndexes: () => ({ toArray: async () => Promise.reject(new Error('not authorized')) }) }),
    } as unknown as Db;
    await expect(missingIndexes(db, [byKey])).rejects.toThrow('not authorized');
  });
});

describe('INDEXES', () => {
  it('names each index once and gives every one a reason and a reader', () => {
    const labels = INDEXES.map(indexLabel);
    expect(new Set(labels).size).toBe(labels.length);
    for (const spec of INDEXES) {
      expect(spec.why.length).toBeGreaterThan(10);
      expect(spec.usedBy.length).toBeGreaterThan(0);
    }
  });

  it('keeps the names and options the first release created, so existing deployments match', () => {
    expect(indexDescription(INDEXES.find((spec) => spec.name === 'export_order')!)).toEqual({
      key: { accountId: 1, time: 1, _id: 1 },
      name: 'export_order',
    });
    expect(indexDescription(INDEXES.find((spec) => spec.collection === 'api_keys')!)).toEqual({
      key: { keyHash: 1 },
      unique: true,
    });
  });

  it('are the ones docs/operations.md lists, each with its readers and reason', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'operations.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => /^\| `[a-z_]+\./.test(line));
    expect(rows).toEqual(INDEXES.map((s) => `| \`${indexLabel(s)}\` | ${s.usedBy.join(', ')} | ${s.why} |`));
  });
});
