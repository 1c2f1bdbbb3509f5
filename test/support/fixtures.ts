import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Db, MongoClient, ObjectId } from 'mongodb';
import { MONGODB_URI } from './test-stack';

export interface TestActivity {
  _id: ObjectId;
  accountId: string;
  cID: string;
  email?: string;
  action: string;
  time: Date;
  bmID?: string;
  mdtID?: string;
  mcID?: string;
  message_name?: string;
  first?: boolean;
  properties?: Record<string, unknown>;
  system_properties?: Record<string, unknown>;
}

let client: MongoClient | undefined;

export async function database(): Promise<Db> {
  client ??= await new MongoClient(MONGODB_URI, { ignoreUndefined: true }).connect();
  return client.db();
}

/** Accounts this test file created (jest loads this module once per file). */
const createdAccounts: string[] = [];

/**
 * Removes the activities, contacts and audiences of this file's accounts, then closes the connection. FerretDB
 * over SQLite filters nothing in the database (every query reads the whole collection), so data left behind by
 * one suite (the hostile-data suite stores a 12 MB activity) would slow every later one.
 */
export async function closeDatabase(): Promise<void> {
  try {
    if (client && createdAccounts.length > 0) {
      const db = client.db();
      const mine = { accountId: { $in: createdAccounts.splice(0) } };
      for (const name of ['contactactivities', 'contacts', 'audiences']) await db.collection(name).deleteMany(mine);
    }
  } finally {
    // Closed even when the clean-up fails (FerretDB refuses to delete ~100,000+ documents in one command), or the
    // open connection keeps the process alive: a benchmark that printed its figures never exited.
    await disconnectDatabase();
  }
}

/** Closes the connection and removes nothing (a benchmark keeps its seeded accounts for `--reuse-data`). */
export async function disconnectDatabase(): Promise<void> {
  await client?.close();
  client = undefined;
}

/** A new account with its own API key; nothing else in the database belongs to it. */
export async function createAccount(prefix = 'acct'): Promise<{ accountId: string; key: string }> {
  const accountId = `${prefix}-${randomUUID().slice(0, 8)}`;
  createdAccounts.push(accountId);
  const key = `key-${randomBytes(12).toString('hex')}`;
  const db = await database();
  await db.collection('api_keys').insertOne({
    accountId,
    keyHash: createHash('sha256').update(key).digest('hex'),
    label: 'e2e',
    createdAt: new Date(),
  });
  return { accountId, key };
}

/** Values that break naive CSV and JSON writers. */
const TRICKY = [
  'plain',
  'comma, inside',
  'quote " inside',
  'line\nbreak',
  'crlf\r\nbreak',
  'ünïcødé ✓ 日本',
  '=1+2',
  '',
];
const ACTIONS = ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint', 'product_viewed', 'purchase'];

/** The span of the activities' times that makeActivities makes: ten days from 2019-03-20. */
export const ACTIVITY_SPAN_MS = 10 * 86_400_000;

/**
 * `count` activities for an account over 2019-03-20..2019-03-30, in random insertion order. Every third record
 * shares its time with another one, so the (time, _id) tie-break of the export order is exercised.
 */
export function makeActivities(accountId: string, count: number, seed = 1): TestActivity[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const start = Date.UTC(2019, 2, 20);
  const activities: TestActivity[] = [];
  for (let i = 0; i < count; i++) {
    const action = pick(ACTIONS);
    const custom = action === 'product_viewed' || action === 'purchase';
    const batch = random() < 0.5;
    const time = i % 3 === 2 ? activities[i - 1].time : new Date(start + Math.floor(random() * ACTIVITY_SPAN_MS));
    activities.push({
      _id: new ObjectId(),
      accountId,
      cID: `cid-${Math.floor(random() * 50)}`,
      email: random() < 0.9 ? `person${Math.floor(random() * 50)}@example.com` : undefined,
      action,
      time,
      ...(custom
        ? {}
        : batch
          ? { bmID: `bm-${Math.floor(random() * 3)}` }
          : { mdtID: `mdt-${Math.floor(random() * 3)}` }),
      ...(custom ? {} : { mcID: `mc-${i}`, message_name: pick(TRICKY), first: random() < 0.5 }),
      ...(custom
        ? {
            properties: {
              sku: pick(TRICKY),
              price: Math.round(random() * 10_000) / 100,
              nested: { deep: [1, pick(TRICKY)] },
            },
          }
        : {}),
      system_properties:
        action === 'bounce'
          ? { bt: pick(['hard', 'soft']), desc: pick(TRICKY) }
          : { ua: pick(TRICKY), link: pick(TRICKY) },
    });
  }
  for (let i = activities.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [activities[i], activities[j]] = [activities[j], activities[i]];
  }
  return activities;
}

export async function insertActivities(activities: TestActivity[]): Promise<void> {
  const db = await database();
  for (let i = 0; i < activities.length; i += 1_000) {
    await db.collection('contactactivities').insertMany(activities.slice(i, i + 1_000));
  }
}

/** The documented export order: time, then _id. */
export function exportOrder(activities: TestActivity[]): TestActivity[] {
  return [...activities].sort(
    (a, b) => a.time.getTime() - b.time.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()),
  );
}

/** An activity as the export shows it: ObjectId as hex, dates ISO 8601 UTC, no accountId. */
export function asExported(activity: TestActivity): Record<string, unknown> {
  const { accountId: _accountId, ...rest } = activity;
  return JSON.parse(JSON.stringify({ ...rest, _id: activity._id.toHexString(), time: activity.time.toISOString() }));
}

export interface TestContact {
  accountId: string;
  cID: string;
  email: string;
  secondaryIdentifiers: { key: string; value: string }[];
  attributes: Record<string, unknown>;
}

/** Contacts `cid-0` .. `cid-49` matching makeActivities' cIDs: every third one is `vip`, ages 20..69. */
export async function insertContacts(accountId: string): Promise<TestContact[]> {
  const contacts = Array.from({ length: 50 }, (_, n) => ({
    accountId,
    cID: `cid-${n}`,
    email: `contact-${n}@example.com`,
    secondaryIdentifiers: [{ key: 'phone', value: `+1555000${String(n).padStart(2, '0')}` }],
    attributes: { tier: n % 3 === 0 ? 'vip' : 'regular', age: 20 + n, city: n % 2 === 0 ? 'Lyon' : 'Austin' },
  }));
  await (await database()).collection('contacts').insertMany(contacts.map((contact) => ({ ...contact })));
  return contacts;
}

/** Stores a rule as an object, or as JSON text when it uses operators (FerretDB refuses `$` field names). */
export async function insertAudience(accountId: string, key: string, rule: object): Promise<void> {
  const usesOperators = JSON.stringify(rule).includes('"$');
  await (
    await database()
  )
    .collection('audiences')
    .insertOne({ accountId, key, rule: usesOperators ? JSON.stringify(rule) : rule });
}
