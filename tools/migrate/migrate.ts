/**
 * Creates the indexes the services need (libs/mongo/src/indexes.ts), one at a time, and says what it did. Run it
 * before the first deploy and after every upgrade: `make migrate`, or the migrate Job of deploy/k8s/migrate. The
 * services never create indexes: on the platform's billion-document collections a build takes hours.
 *
 *   MONGODB_URI=mongodb://... node dist/tools/migrate/migrate.js [--check]
 *
 * --check only reports and exits 1 when an index is missing (a deploy pipeline's gate). Existing indexes are left
 * as they are; nothing is ever dropped. A unique index that existing data violates is not created: the migration
 * names the duplicates' index and exits 1, and the data is left for its owner to fix.
 */
import { MongoClient, MongoServerError } from 'mongodb';
import { Matches } from 'class-validator';
import { loadEnv } from '@cae/config';
import { indexDescription, indexLabel, INDEXES, missingIndexes } from '@cae/mongo';

class MigrateEnv {
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI: string = 'mongodb://127.0.0.1:27017/cordial';
}

const DUPLICATE_KEY = 11000;

async function main(): Promise<number> {
  const checkOnly = process.argv.includes('--check');
  const env = loadEnv(MigrateEnv, process.env);
  const client = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  try {
    const db = client.db();
    const missing = await missingIndexes(db, INDEXES);
    for (const spec of INDEXES) if (!missing.includes(spec)) console.log(`present  ${indexLabel(spec)}`);
    if (checkOnly) {
      for (const spec of missing) console.log(`MISSING  ${indexLabel(spec)}: ${spec.why}`);
      return missing.length > 0 ? 1 : 0;
    }
    let failed = 0;
    // One createIndex per index: FerretDB 1.24 panics on a multi-index createIndexes whose indexes already exist.
    for (const spec of missing) {
      const started = Date.now();
      try {
        const { key, ...options } = indexDescription(spec);
        await db.collection(spec.collection).createIndex(key, options);
        console.log(`created  ${indexLabel(spec)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        failed += 1;
        const duplicate = error instanceof MongoServerError && error.code === DUPLICATE_KEY;
        const reason = duplicate
          ? `existing documents share a key; remove the duplicates, then run the migration again (${error.message})`
          : error instanceof Error
            ? error.message
            : String(error);
        console.error(`FAILED   ${indexLabel(spec)}: ${reason}`);
      }
    }
    console.log(`${INDEXES.length - missing.length} present, ${missing.length - failed} created, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
