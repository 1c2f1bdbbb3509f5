import { randomBytes } from 'node:crypto';
import { Db, MongoServerError } from 'mongodb';
import {
  CallbackSecretStore,
  CallbackSecretUnreadableError,
  PREVIOUS_SECRET_SIGNS_FOR_MS,
} from './callback-secret-store';
import { CredentialCipher } from './credential-cipher';

type Doc = Record<string, unknown> & { _id: string };

/** The few collection operations the store uses, over a Map (each one atomic, as on the database). */
function fakeDb(): { db: Db; docs: Map<string, Doc>; beforeReplace?: () => void } {
  const docs = new Map<string, Doc>();
  const state: { db: Db; docs: Map<string, Doc>; beforeReplace?: () => void } = { db: undefined as never, docs };
  const matches = (doc: Doc | undefined, filter: Record<string, unknown>) =>
    doc !== undefined && Object.entries(filter).every(([key, value]) => doc[key] === value);
  const collection = {
    findOne: async ({ _id }: { _id: string }) => (docs.has(_id) ? structuredClone(docs.get(_id)) : null),
    countDocuments: async ({ _id }: { _id: string }) => (docs.has(_id) ? 1 : 0),
    insertOne: async (doc: Doc) => {
      if (docs.has(doc._id)) throw new MongoServerError({ code: 11000, errmsg: 'duplicate key' });
      docs.set(doc._id, structuredClone(doc));
    },
    find: () => [...docs.values()].map((doc) => structuredClone(doc)),
    updateOne: async (filter: Doc, { $set }: { $set: Record<string, string> }) => {
      const doc = docs.get(filter._id);
      if (!matches(doc, filter)) return { modifiedCount: 0 };
      for (const [path, value] of Object.entries($set)) {
        if (path === 'previous.sealed') (doc!.previous as Doc).sealed = value;
        else doc![path] = value;
      }
      return { modifiedCount: 1 };
    },
    replaceOne: async (filter: Doc, doc: Doc) => {
      state.beforeReplace?.();
      state.beforeReplace = undefined;
      if (!matches(docs.get(filter._id), filter)) return { matchedCount: 0 };
      docs.set(filter._id, structuredClone(doc));
      return { matchedCount: 1 };
    },
  };
  state.db = { collection: () => collection } as unknown as Db;
  return state;
}

describe(CallbackSecretStore.name, () => {
  const cipher = new CredentialCipher(randomBytes(32).toString('hex'));
  const now = new Date('2024-05-01T10:00:00Z');

  it('issues a random secret, stores it sealed and bound to the account, and signs with it', async () => {
    const { db, docs } = fakeDb();
    const sut = new CallbackSecretStore(db, cipher);
    expect(await sut.exists('acc')).toBe(false);
    expect(await sut.signingSecrets('acc')).toEqual([]);
    const issued = await sut.issue('acc', now);
    expect(issued).toEqual({
      secret: expect.stringMatching(/^cbsec_[A-Za-z0-9_-]{43}$/),
      createdAt: now,
      previousSecretValidUntil: null,
    });
    expect(JSON.stringify([...docs.values()])).not.toContain(issued.secret);
    expect(await sut.exists('acc')).toBe(true);
    expect(await sut.signingSecrets('acc', now)).toEqual([issued.secret]);
    // Another account's document copied over this one does not open as this account's secret.
    docs.set('other', { ...docs.get('acc')!, _id: 'other' });
    await expect(sut.signingSecrets('other', now)).rejects.toBeInstanceOf(CallbackSecretUnreadableError);
  });

  it('rotates: the replaced secret still signs for its grace period, then only the new one', async () => {
    const { db } = fakeDb();
    const sut = new CallbackSecretStore(db, cipher);
    const first = await sut.issue('acc', now);
    const second = await sut.issue('acc', now);
    expect(second.secret).not.toBe(first.secret);
    expect(second.previousSecretValidUntil).toEqual(new Date(now.getTime() + PREVIOUS_SECRET_SIGNS_FOR_MS));
    expect(await sut.signingSecrets('acc', now)).toEqual([second.secret, first.secret]);
    const later = new Date(now.getTime() + PREVIOUS_SECRET_SIGNS_FOR_MS + 1);
    expect(await sut.signingSecrets('acc', later)).toEqual([second.secret]);
  });

  it('keeps a concurrent rotation: the one that lost the swap rotates again, on top of the winner', async () => {
    const state = fakeDb();
    const sut = new CallbackSecretStore(state.db, cipher);
    await sut.issue('acc', now);
    // Another gateway replica's rotation lands between this one's read and its swap.
    state.beforeReplace = () =>
      state.docs.set('acc', { _id: 'acc', sealed: cipher.seal('cbsec_winner', 'callback-secret:acc'), createdAt: now });
    const late = await sut.issue('acc', now);
    expect(await sut.signingSecrets('acc', now)).toEqual([late.secret, 'cbsec_winner']);
  });

  it('seals again with the current key what only a previous key opens, so that key can be dropped', async () => {
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('hex');
    const { db, docs } = fakeDb();
    const before = new CallbackSecretStore(db, new CredentialCipher(oldKey));
    const replaced = await before.issue('acc', now);
    const current = await before.issue('acc', now);
    const fresh = await new CallbackSecretStore(db, new CredentialCipher(newKey)).issue('new', now);
    docs.set('lost', {
      _id: 'lost',
      sealed: new CredentialCipher(randomBytes(32).toString('hex')).seal('x', 'callback-secret:lost'),
      createdAt: now,
    });

    const rotating = new CallbackSecretStore(db, new CredentialCipher(newKey, [oldKey]));
    expect(await rotating.resealWithCurrentKey()).toEqual({ resealed: 1, unreadable: 1 });
    expect(await rotating.resealWithCurrentKey()).toEqual({ resealed: 0, unreadable: 1 });

    const after = new CallbackSecretStore(db, new CredentialCipher(newKey));
    expect(await after.signingSecrets('acc', now)).toEqual([current.secret, replaced.secret]);
    expect(await after.signingSecrets('new', now)).toEqual([fresh.secret]);
  });

  it('opens with a previous credentials key after a key rotation, and says so clearly once that key is gone', async () => {
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('hex');
    const { db } = fakeDb();
    const { secret } = await new CallbackSecretStore(db, new CredentialCipher(oldKey)).issue('acc', now);
    expect(
      await new CallbackSecretStore(db, new CredentialCipher(newKey, [oldKey])).signingSecrets('acc', now),
    ).toEqual([secret]);
    await expect(new CallbackSecretStore(db, new CredentialCipher(newKey)).signingSecrets('acc', now)).rejects.toThrow(
      /credentials keys/,
    );
  });
});
