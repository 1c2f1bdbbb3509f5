/**
 * Prints the database's plan for every kind of export query (`make explain`): the filter the query service builds
 * (libs/mongo/src/activity-query/activity-filter.ts) for each request option, alone and as a resume after a record,
 * sorted in export order as `QUERY_SORT=database` reads it. Run it against the production MongoDB (read-only:
 * `explain` runs the query's plan, it changes nothing) to check that every export is an index scan in order, with no
 * SORT stage and about as many keys examined as documents returned.
 *
 *   MONGODB_URI=mongodb://... ACCOUNT_ID=acct-1 node dist/tools/explain/explain-export-queries.js
 * One line per query: its name, the winning plan's stages (IXSCAN with the index name, SORT when the database has
 * to sort), keys and documents examined, documents returned, and milliseconds. The local FerretDB answers every
 * query with a scan (it does not use secondary indexes); docs/performance.md says what MongoDB should show.
 */
import { MongoClient, ObjectId } from 'mongodb';
import { buildActivityFilter, EXPORT_SORT, snapshotBound } from '@cae/mongo';
import type { ExportFilter } from '@cae/contracts';

const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/cordial';
const accountId = process.env.ACCOUNT_ID ?? 'demo';

interface PlanStage {
  stage: string;
  indexName?: string;
  inputStage?: PlanStage;
  inputStages?: PlanStage[];
  queryPlan?: PlanStage;
}

/** The stages of a plan, outermost first; an index scan as IXSCAN(name). */
function stages(plan: PlanStage | undefined): string[] {
  if (!plan) return [];
  const own = plan.stage === 'IXSCAN' ? `IXSCAN(${plan.indexName})` : plan.stage;
  const below = plan.inputStages
    ? [`[${plan.inputStages.map((input) => stages(input).join(' < ')).join(' | ')}]`]
    : stages(plan.inputStage ?? plan.queryPlan);
  return [own, ...below];
}

async function main(): Promise<void> {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 20_000 }).connect();
  try {
    const activities = client.db().collection('contactactivities');
    const sample = await activities.findOne({ accountId }, { sort: EXPORT_SORT });
    const cID = typeof sample?.cID === 'string' ? sample.cID : 'c-1';
    const after = {
      time: sample?.time instanceof Date ? sample.time : new Date(0),
      id: sample?._id instanceof ObjectId ? sample._id : new ObjectId(),
    };
    const snapshot = snapshotBound(new Date());
    const filters: [string, ExportFilter, string[]?][] = [
      ['account', {}],
      ['timeframe', { timeframeStart: '2019-03-24T00:00:00.000Z', timeframeEnd: '2019-03-25T23:59:59.999Z' }],
      ['one action', { actions: ['message-sent'] }],
      ['two actions + timeframe', { actions: ['open', 'click'], timeframeStart: '2019-03-24T00:00:00.000Z' }],
      ['custom actions', { actions: ['custom'] }],
      ['batch messages', { messageType: 'batch' }],
      ['automation messages', { messageType: 'automation' }],
      ['one message id', { messageId: 'bm-1' }],
      ['one contact', {}, [cID]],
    ];
    for (const [name, filter, contactIds] of filters) {
      for (const resumed of [false, true]) {
        const query = buildActivityFilter(accountId, filter, contactIds, resumed ? after : undefined, snapshot);
        const explained = (await activities.find(query).sort(EXPORT_SORT).explain('executionStats')) as {
          queryPlanner?: { winningPlan?: PlanStage; Plan?: string[] };
          executionStats?: {
            totalKeysExamined?: number;
            totalDocsExamined?: number;
            nReturned?: number;
            executionTimeMillis?: number;
          };
        };
        const plan = explained.queryPlanner?.winningPlan
          ? stages(explained.queryPlanner.winningPlan).join(' < ')
          : JSON.stringify(explained.queryPlanner?.Plan ?? explained.queryPlanner);
        const stats = explained.executionStats;
        console.log(
          JSON.stringify({
            query: `${name}${resumed ? ', resumed' : ''}`,
            plan,
            keysExamined: stats?.totalKeysExamined,
            docsExamined: stats?.totalDocsExamined,
            returned: stats?.nReturned,
            ms: stats?.executionTimeMillis,
          }),
        );
      }
    }
  } finally {
    await client.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
