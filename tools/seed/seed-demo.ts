/**
 * Seeds the `demo` account when it is empty: an API key and realistic contacts and activities, so the first
 * export a new user runs returns real rows. Run by `make up`; safe to run again (it changes nothing then).
 * Usage: node dist/tools/seed/seed-demo.js   (MONGODB_URI, DEMO_API_KEY, DEMO_ACTIVITIES override defaults)
 */
import { createHash } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { DEMO_ACCOUNT, demoActivities, demoContacts, prng } from './demo-activities';

const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/cordial';
const apiKey = process.env.DEMO_API_KEY ?? 'demo-key-local-only';
const activityCount = Number(process.env.DEMO_ACTIVITIES ?? 30_000);

async function main(): Promise<void> {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 20_000, ignoreUndefined: true }).connect();
  try {
    const db = client.db();
    const keyHash = createHash('sha256').update(apiKey).digest('hex');
    await db.collection('api_keys').updateOne(
      { keyHash },
      {
        $setOnInsert: {
          accountId: DEMO_ACCOUNT,
          keyHash,
          label: 'demo (local development only)',
          createdAt: new Date(),
        },
      },
      { upsert: true },
    );
    if ((await db.collection('contactactivities').countDocuments({ accountId: DEMO_ACCOUNT }, { limit: 1 })) > 0) {
      console.log(`demo account already seeded`);
      return;
    }
    const random = prng(20190325);
    const contacts = demoContacts(2_000, random);
    await db.collection('contacts').insertMany(contacts);
    let batch: object[] = [];
    for (const activity of demoActivities(activityCount, contacts, random)) {
      batch.push(activity);
      if (batch.length === 2_000) {
        await db.collection('contactactivities').insertMany(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await db.collection('contactactivities').insertMany(batch);
    console.log(`seeded demo account: ${contacts.length} contacts, ${activityCount} activities`);
  } finally {
    await client.close();
  }
}

main().catch((error) => {
  console.error(`seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
