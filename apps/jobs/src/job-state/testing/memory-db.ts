import type { Db } from '@cae/mongo';

/*
 * The subset of MongoDB the jobs service's state and cancellation code uses, in memory, for unit tests of its state
 * machine: equality (dates by time), `$in`, `$nin`, `$ne`, `$exists`, `$lt`, `$gt` on dotted paths; `$set`, `$inc`,
 * `$unset`, `$setOnInsert` with upserts; findOneAndUpdate returning the document before the update (the driver's
 * default) or after it. The real database is exercised end to end (test/e2e/cancel, jobs-api, ...).
 */

type Doc = Record<string, unknown>;
type Filter = Record<string, unknown>;
type Update = Partial<Record<'$set' | '$inc' | '$unset' | '$setOnInsert', Doc>>;

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof Date) &&
  Object.keys(value).some((key) => key.startsWith('$'));

const valueAt = (doc: Doc, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value as Doc | undefined)?.[key], doc);

function setAt(doc: Doc, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let target = doc;
  for (const key of keys) target = (target[key] ??= {}) as Doc;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

const same = (a: unknown, b: unknown): boolean =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;

const comparable = (value: unknown): number | string | undefined =>
  value instanceof Date ? value.getTime() : (value as number | string | undefined);

function matches(doc: Doc, filter: Filter): boolean {
  return Object.entries(filter).every(([path, condition]) => {
    const value = valueAt(doc, path);
    if (!isOperatorObject(condition)) return same(value, condition);
    return Object.entries(condition).every(([operator, operand]) => {
      switch (operator) {
        case '$in':
          return (operand as unknown[]).some((each) => same(value, each));
        case '$nin':
          return !(operand as unknown[]).some((each) => same(value, each));
        case '$ne':
          return !same(value, operand);
        case '$exists':
          return (value !== undefined) === operand;
        case '$lt':
          return value !== undefined && comparable(value)! < comparable(operand)!;
        case '$gt':
          return value !== undefined && comparable(value)! > comparable(operand)!;
        default:
          throw new Error(`MemoryDb: no ${operator}`);
      }
    });
  });
}

/** A deep copy made in this realm (structuredClone's Dates fail `instanceof Date` under jest). */
function clone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, each]) => [key, clone(each)])) as T;
  return value;
}

function applyUpdate(doc: Doc, update: Update, inserting: boolean): void {
  for (const [path, value] of Object.entries(update.$set ?? {})) setAt(doc, path, clone(value));
  for (const [path, value] of Object.entries(update.$inc ?? {}))
    setAt(doc, path, ((valueAt(doc, path) as number | undefined) ?? 0) + (value as number));
  for (const path of Object.keys(update.$unset ?? {})) setAt(doc, path, undefined);
  if (inserting) for (const [path, value] of Object.entries(update.$setOnInsert ?? {})) setAt(doc, path, clone(value));
}

export class MemoryCollection {
  readonly docs: Doc[] = [];

  private matching(filter: Filter): Doc[] {
    return this.docs.filter((doc) => matches(doc, filter));
  }

  async insertOne(doc: Doc): Promise<void> {
    if (this.docs.some((each) => same(each._id, doc._id))) throw Object.assign(new Error('duplicate'), { code: 11000 });
    this.docs.push(clone(doc));
  }

  async findOne(filter: Filter = {}): Promise<Doc | null> {
    const found = this.matching(filter)[0];
    return found ? clone(found) : null;
  }

  find(filter: Filter = {}) {
    const found = () => this.matching(filter).map(clone);
    const cursor = {
      sort: () => cursor,
      limit: () => cursor,
      toArray: async () => found(),
      async *[Symbol.asyncIterator]() {
        yield* found();
      },
    };
    return cursor;
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return this.matching(filter).length;
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}) {
    const found = this.matching(filter)[0];
    if (found) {
      const before = JSON.stringify(found);
      applyUpdate(found, update, false);
      return { matchedCount: 1, modifiedCount: JSON.stringify(found) === before ? 0 : 1, upsertedCount: 0 };
    }
    if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
    const inserted: Doc = Object.fromEntries(Object.entries(filter).filter(([, value]) => !isOperatorObject(value)));
    applyUpdate(inserted, update, true);
    this.docs.push(inserted);
    return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
  }

  async updateMany(filter: Filter, update: Update) {
    const found = this.matching(filter);
    for (const doc of found) applyUpdate(doc, update, false);
    return { matchedCount: found.length, modifiedCount: found.length };
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: { returnDocument?: 'before' | 'after' } = {}) {
    const found = this.matching(filter)[0];
    if (!found) return null;
    const before = clone(found);
    applyUpdate(found, update, false);
    return options.returnDocument === 'after' ? clone(found) : before;
  }

  async deleteOne(filter: Filter) {
    const index = this.docs.findIndex((doc) => matches(doc, filter));
    if (index >= 0) this.docs.splice(index, 1);
    return { deletedCount: index >= 0 ? 1 : 0 };
  }
}

/** A database of MemoryCollections, created on first use; `as Db` for the code under test. */
export class MemoryDb {
  private readonly collections = new Map<string, MemoryCollection>();

  collection(name: string): MemoryCollection {
    let collection = this.collections.get(name);
    if (!collection) this.collections.set(name, (collection = new MemoryCollection()));
    return collection;
  }

  get asDb(): Db {
    return this as unknown as Db;
  }
}
