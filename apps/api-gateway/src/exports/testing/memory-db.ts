import { MongoServerError } from 'mongodb';
import type { Db } from '@cae/mongo';

/*
 * The subset of MongoDB the export controls use, in memory, for unit tests: equality (dates by time), `$in` and
 * `$lte`; insertOne refusing a taken `_id` as MongoDB does (code 11000); replaceOne, updateOne with `$set`,
 * deleteOne, deleteMany, countDocuments with a limit. Every operation is atomic, as a single-document write is on
 * MongoDB (and on FerretDB behind its write gate), and yields to other work first, so that concurrent callers
 * interleave between their operations as they would over the network. The real database is exercised end to end
 * (test/e2e/job-controls.e2e-spec.ts).
 */

type Doc = Record<string, unknown>;
type Filter = Record<string, unknown>;

// Not `instanceof`: structuredClone makes its dates in Node's realm, not in the one jest runs a test in.
const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === '[object Date]';

const same = (a: unknown, b: unknown): boolean => (isDate(a) && isDate(b) ? a.getTime() === b.getTime() : a === b);

function matches(doc: Doc, filter: Filter): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    const value = doc[field];
    if (typeof condition === 'object' && condition !== null && !isDate(condition)) {
      const operators = condition as Record<string, unknown>;
      return Object.entries(operators).every(([operator, operand]) => {
        if (operator === '$in') return (operand as unknown[]).some((item) => same(value, item));
        if (operator === '$lte') return isDate(value) && value.getTime() <= (operand as Date).getTime();
        throw new Error(`memory-db: unsupported operator ${operator}`);
      });
    }
    return same(value, condition);
  });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const copy = <T>(doc: T): T => structuredClone(doc);

export class MemoryCollection {
  readonly docs = new Map<unknown, Doc>();
  /** Every operation, in order: `insertOne`, `find`, ... */
  readonly calls: string[] = [];

  private async op(name: string): Promise<void> {
    this.calls.push(name);
    await tick();
  }

  private matching(filter: Filter): Doc[] {
    return [...this.docs.values()].filter((doc) => matches(doc, filter));
  }

  async findOne(filter: Filter): Promise<Doc | null> {
    await this.op('findOne');
    const [found] = this.matching(filter);
    return found ? copy(found) : null;
  }

  find(filter: Filter) {
    return {
      toArray: async () => {
        await this.op('find');
        return this.matching(filter).map(copy);
      },
    };
  }

  async countDocuments(filter: Filter, options: { limit?: number } = {}): Promise<number> {
    await this.op('countDocuments');
    const count = this.matching(filter).length;
    return options.limit === undefined ? count : Math.min(count, options.limit);
  }

  async insertOne(doc: Doc): Promise<void> {
    await this.op('insertOne');
    if (this.docs.has(doc._id)) throw new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    this.docs.set(doc._id, copy(doc));
  }

  async replaceOne(filter: Filter, doc: Doc): Promise<{ matchedCount: number }> {
    await this.op('replaceOne');
    const [found] = this.matching(filter);
    if (!found) return { matchedCount: 0 };
    this.docs.set(found._id, copy({ ...doc, _id: found._id }));
    return { matchedCount: 1 };
  }

  async updateOne(filter: Filter, update: { $set: Doc }): Promise<{ matchedCount: number }> {
    await this.op('updateOne');
    const [found] = this.matching(filter);
    if (!found) return { matchedCount: 0 };
    Object.assign(found, copy(update.$set));
    return { matchedCount: 1 };
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    await this.op('deleteOne');
    const [found] = this.matching(filter);
    if (found) this.docs.delete(found._id);
    return { deletedCount: found ? 1 : 0 };
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    await this.op('deleteMany');
    const found = this.matching(filter);
    for (const doc of found) this.docs.delete(doc._id);
    return { deletedCount: found.length };
  }
}

/** A Db whose collections live in memory; `collections` shows what each holds. */
export function memoryDb(): {
  db: Db;
  collections: Map<string, MemoryCollection>;
  collection(name: string): MemoryCollection;
} {
  const collections = new Map<string, MemoryCollection>();
  const collection = (name: string) => {
    let found = collections.get(name);
    if (!found) collections.set(name, (found = new MemoryCollection()));
    return found;
  };
  return { db: { collection } as unknown as Db, collections, collection };
}
