import { Document, MongoClient } from 'mongodb';
import { MONGODB_URI } from '../support/test-stack';

/**
 * The embedded database is FerretDB built with our patch (deploy/local/ferretdb-server/patches): string
 * equalities, `$in` lists of strings and date ranges at the top of a filter, or inside its top-level $and, are
 * evaluated by SQLite on the stored JSON before FerretDB decodes a document. A pre-filter that dropped a match would lose records from exports silently,
 * so every query here must answer exactly what MongoDB answers (the expected ids are MongoDB's semantics: an array
 * matches when it holds the string as an element; types and case never mix).
 */
describe('the embedded database answers pushed-down equalities as MongoDB does', () => {
  let client: MongoClient;
  const probe = () => client.db().collection<Document>('pushdown_probe');
  const ids = async (filter: Document) =>
    (await probe().find(filter).sort({ _id: 1 }).toArray()).map((document) => document._id);

  beforeAll(async () => {
    client = await new MongoClient(MONGODB_URI).connect();
    await probe().deleteMany({});
    await probe().insertMany([
      { _id: 1, acct: 'a', k: 'x' },
      { _id: 2, acct: 'b', k: 'x' },
      { _id: 3, acct: ['c', 'a'] },
      { _id: 4, acct: ['b'] },
      { _id: 5 },
      { _id: 6, acct: null },
      { _id: 7, acct: 7 },
      { _id: 8, acct: { a: 'a' } },
      { _id: 9, acct: 'A' },
      { _id: 10, acct: 'a b' },
      { _id: 11, acct: 'é' },
      { _id: 12, acct: 'a"q\\' },
      { _id: 13, acct: [{ a: 'a' }, 'b'] },
      { _id: 14, acct: 'a', k: 'y' },
      { _id: 15, acct: '<a&>' },
    ] as Document[]);
  });
  afterAll(async () => {
    await probe()
      .deleteMany({})
      .catch(() => undefined);
    await client.close();
  });

  it.each([
    [{ acct: 'a' }, [1, 3, 14]],
    [{ acct: 'b' }, [2, 4, 13]],
    [{ acct: 'A' }, [9]],
    [{ acct: 'a b' }, [10]],
    [{ acct: 'é' }, [11]],
    [{ acct: 'a"q\\' }, [12]],
    [{ acct: '<a&>' }, [15]],
    [{ acct: 'a', k: 'y' }, [14]],
    [{ $and: [{ acct: 'a' }, { k: 'x' }] }, [1]],
    [{ $and: [{ acct: 'a' }, { $or: [{ k: 'y' }, { k: { $exists: false } }] }] }, [3, 14]],
    [{ $or: [{ acct: 'b' }, { k: 'y' }] }, [2, 4, 13, 14]],
    [{ acct: 'zzz' }, []],
    [{ 'acct.a': 'a' }, [8, 13]],
    [{ acct: { $in: ['a'] } }, [1, 3, 14]],
    [{ acct: { $in: ['b', 'A'] } }, [2, 4, 9, 13]],
    [{ acct: { $in: ['a', null] } }, [1, 3, 5, 6, 14]],
    [{ acct: { $in: ['é', 'a"q\\'] } }, [11, 12]],
    [{ acct: { $in: [7, 'a b'] } }, [7, 10]],
    [{ acct: { $in: [/^a/, 'b'] } }, [1, 2, 3, 4, 10, 12, 13, 14]],
    [{ acct: { $in: [] } }, []],
    [{ acct: { $in: ['a'], $ne: 'a' } }, []],
    [{ acct: { $in: ['a', 'c'] }, k: 'x' }, [1]],
    [{ $and: [{ acct: { $in: ['a', 'b'] } }, { k: { $in: ['y'] } }] }, [14]],
    [{ acct: { $not: { $in: ['a', 'b'] } } }, [5, 6, 7, 8, 9, 10, 11, 12, 15]],
    [{ acct: { $nin: ['a'] } }, [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15]],
  ])('find %j', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
    expect((await client.db().command({ count: 'pushdown_probe', query: filter })).n).toBe(expected.length);
    expect(await probe().countDocuments(filter)).toBe(expected.length);
  });

  it('updates and deletes exactly the matching documents', async () => {
    const updated = await probe().updateMany({ acct: 'b' }, { $set: { seen: true } });
    expect(updated.modifiedCount).toBe(3);
    expect(await ids({ seen: true })).toEqual([2, 4, 13]);
    const upserted = await probe().updateOne({ acct: 'new', k: 'x' }, { $set: { made: true } }, { upsert: true });
    expect(upserted.upsertedCount).toBe(1);
    const deleted = await probe().deleteMany({ $and: [{ acct: 'a' }, { k: 'y' }] });
    expect(deleted.deletedCount).toBe(1);
    expect(await ids({ acct: 'a' })).toEqual([1, 3]);
  });
});

/** Date ranges ($gt/$gte/$lt/$lte with dates) are pushed down too: SQLite compares the stored Unix milliseconds. */
describe('the embedded database answers pushed-down date ranges as MongoDB does', () => {
  let client: MongoClient;
  const probe = () => client.db().collection<Document>('pushdown_dates_probe');
  const ids = async (filter: Document) =>
    (await probe().find(filter).sort({ _id: 1 }).toArray()).map((document) => document._id);
  const day = (text: string) => new Date(`${text}T00:00:00.000Z`);

  beforeAll(async () => {
    client = await new MongoClient(MONGODB_URI).connect();
    await probe().deleteMany({});
    await probe().insertMany([
      { _id: 1, t: day('2020-01-01'), a: 'x' },
      { _id: 2, t: day('2020-06-01'), a: 'x' },
      { _id: 3, t: [day('2019-01-01'), day('2021-01-01')] },
      { _id: 4, t: '2020-03-01' },
      { _id: 5, t: day('2020-06-01').getTime() },
      { _id: 6, t: null },
      { _id: 7 },
      { _id: 8, t: { d: day('2020-03-01') } },
      { _id: 9, t: new Date('2020-03-01T00:00:00.001Z'), a: 'y' },
      { _id: 10, t: day('1960-01-01') },
      { _id: 11, t: [day('2020-03-01')] },
    ] as Document[]);
  });
  afterAll(async () => {
    await probe()
      .deleteMany({})
      .catch(() => undefined);
    await client.close();
  });

  it.each([
    // An array matches when one element meets one bound and another the other (no $elemMatch), as in MongoDB.
    [{ t: { $gte: day('2020-01-01'), $lte: day('2020-06-01') } }, [1, 2, 3, 9, 11]],
    [{ t: { $gt: day('2020-01-01'), $lt: day('2020-06-01') } }, [3, 9, 11]],
    [{ t: { $gt: day('2020-03-01') } }, [2, 3, 9]],
    [{ t: { $lte: day('2020-01-01') } }, [1, 3, 10]],
    [{ t: { $gte: day('2020-02-01'), $lte: day('2020-02-28') } }, [3]],
    [{ t: { $lt: day('1970-01-01') } }, [10]],
    [{ t: { $gte: day('2020-01-01'), $gt: day('2020-03-01') } }, [2, 3, 9]],
    [{ $and: [{ a: 'x' }, { t: { $gte: day('2020-02-01') } }] }, [2]],
    [{ t: { $gte: day('2020-01-01'), $ne: day('2020-06-01') } }, [1, 3, 9, 11]],
    [{ t: { $gte: day('2020-01-01'), $lte: 1_600_000_000_000 } }, []],
    [{ 't.d': { $gte: day('2020-01-01') } }, [8]],
    [{ t: { $not: { $gte: day('2020-01-01') } } }, [4, 5, 6, 7, 8, 10]],
    [{ $or: [{ t: { $gte: day('2021-01-01') } }, { a: 'y' }] }, [3, 9]],
  ])('find %j', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
    expect(await probe().countDocuments(filter)).toBe(expected.length);
  });
});
