import { MongoClient } from 'mongodb';
import { MONGODB_URI } from '../support/test-stack';

/**
 * Every claim in the services (query leases and their fencing epoch, delivery claims, job state moves, notice
 * claims) is one conditional update, which MongoDB applies atomically. FerretDB 1.x over SQLite, the embedded
 * default, runs an update's read and its write apart (FerretDB issue #3040): two replicas could both win the same
 * claim and concurrent increments were lost (800 concurrent `$inc` ended at 263; a delivery's completion entry lost
 * its `lastSeen` flag to a concurrent claim and the job never ended). Our FerretDB server runs write commands
 * one at a time; these races must have exactly one winner, every time.
 */
describe('the embedded database applies each write atomically', () => {
  const clients: MongoClient[] = [];
  const collection = (i: number) =>
    clients[i]
      .db()
      .collection<{ _id: string; n?: number; owner?: number | null; claims?: number; flag?: boolean }>(
        'atomicity_probe',
      );

  beforeAll(async () => {
    for (let i = 0; i < 4; i++) clients.push(await new MongoClient(MONGODB_URI).connect());
    await collection(0).deleteMany({});
  });
  afterAll(async () => {
    await collection(0)
      .deleteMany({})
      .catch(() => undefined);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('loses no concurrent increment', async () => {
    await collection(0).insertOne({ _id: 'counter', n: 0 });
    await Promise.all(
      clients.map(async (_, i) => {
        for (let k = 0; k < 100; k++)
          await collection(i).updateOne({ _id: 'counter' }, { $inc: { n: 1 }, $set: { owner: i * 1000 + k } });
      }),
    );
    expect((await collection(0).findOne({ _id: 'counter' }))?.n).toBe(400);
  });

  it('gives a conditional update and a findOneAndUpdate one winner, and keeps fields set meanwhile', async () => {
    const outcomes = { updateWinners: [] as number[], findAndModifyWinners: [] as number[], flagsLost: 0 };
    for (let round = 0; round < 40; round++) {
      const _id = `claim-${round}`;
      await collection(0).insertOne({ _id, owner: null });
      const updates = await Promise.all(
        clients.map((_, i) => collection(i).updateOne({ _id, owner: null }, { $set: { owner: i } })),
      );
      outcomes.updateWinners.push(updates.filter((result) => result.modifiedCount === 1).length);
      await collection(0).updateOne({ _id }, { $set: { owner: null } });
      await Promise.all([
        ...clients
          .slice(0, 3)
          .map((_, i) =>
            collection(i).findOneAndUpdate({ _id, owner: null }, { $set: { owner: i }, $inc: { claims: 1 } }),
          ),
        collection(3).updateOne({ _id }, { $set: { flag: true } }),
      ]);
      const after = await collection(0).findOne({ _id });
      outcomes.findAndModifyWinners.push(Number(after?.claims ?? 0));
      if (after?.flag !== true) outcomes.flagsLost += 1;
    }
    expect(outcomes).toEqual({
      updateWinners: Array(40).fill(1),
      findAndModifyWinners: Array(40).fill(1),
      flagsLost: 0,
    });
  });
});
