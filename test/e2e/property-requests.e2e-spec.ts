import fc from 'fast-check';
import { api, waitForJob } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';

const ACTIONS = ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint', 'custom'];
const HOSTILE_STRINGS = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('__proto__', 'constructor', '../../etc/passwd', '=cmd|" /C calc"!A0', '\u0000', '\ud800', 'a\r\nb', 'é'.repeat(300)),
  fc.string({ minLength: 2_000, maxLength: 5_000 }),
);
const ANYTHING = fc.oneof(HOSTILE_STRINGS, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));

/** A well-formed value four times out of five, else anything hostile. */
const mostly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: ANYTHING, weight: 1 });

/** Mostly well-formed bodies, each field sometimes replaced by something hostile or dropped. */
const bodies = fc.record(
  {
    exportType: mostly(fc.constantFrom('csv', 'CSV', 'json', 'Json')),
    name: mostly(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/)),
    selected_action_name: mostly(fc.constantFrom(...ACTIONS)),
    selected_action_names: mostly(fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 })),
    selected_timeframe_start: mostly(fc.date({ min: new Date(2019, 0, 1), max: new Date(2019, 5, 1), noInvalidDate: true }).map((d) => d.toISOString())),
    limitRecordsPerFile: mostly(fc.integer({ min: 1, max: 100_000 })),
    compress: mostly(fc.boolean()),
    showHeader: mostly(fc.boolean()),
    columnHeaders: mostly(fc.array(fc.record({ name: fc.constantFrom('cID', 'a', 'sp.bt', 'properties.x'), label: fc.string({ minLength: 1, maxLength: 20 }) }), { maxLength: 4 })),
    destination: fc.oneof(
      { arbitrary: fc.constant({ type: 'aws' }), weight: 4 },
      { arbitrary: fc.oneof(fc.record({ type: fc.constantFrom('ftp', 'sftp', 's3', 'gcs', 'x'), path: ANYTHING }), ANYTHING), weight: 1 },
    ),
  },
  { requiredKeys: ['exportType'] },
).chain((body) =>
  // One body in five gets an unknown field or a prototype key, the latter written into the JSON text itself
  // (an object literal would not keep it).
  fc.constantFrom('none', 'none', 'none', 'extra', 'proto').chain((twist) =>
    twist === 'none' ? fc.constant(body as unknown)
      : twist === 'extra' ? ANYTHING.map((value) => ({ ...body, extra_field: value }) as unknown)
        : fc.constant(`${JSON.stringify(body).slice(0, -1)}${Object.keys(body).length ? ',' : ''}"__proto__":{"admin":true}}` as unknown),
  ),
);

describe('generated request bodies (property-based)', () => {
  afterAll(closeDatabase);

  it('never answer 5xx; a 4xx names fields and creates nothing; a 202 creates exactly one job', async () => {
    const { key, accountId } = await createAccount('property');
    const jobs = (await database()).collection('jobs');
    const accepted: string[] = [];
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const before = await jobs.countDocuments({ accountId });
        const response = await api<{ jobId?: string; fields?: { field: string; reasons: string[] }[] }>('POST', '/v2/contactactivityexport', { key, body });
        const after = await jobs.countDocuments({ accountId });
        expect(response.status).toBeLessThan(500);
        if (response.status === 202) {
          accepted.push(response.body.jobId!);
          expect(after).toBe(before + 1);
          expect(await jobs.countDocuments({ _id: response.body.jobId as never, accountId })).toBe(1);
        } else {
          refused += 1;
          expect([400, 413, 429]).toContain(response.status);
          expect(after).toBe(before);
          if (response.status === 400) expect(response.body.fields?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 100, seed: 20261127 },
    );
    // The generator must exercise both sides, or the property says little.
    expect(accepted.length).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(20);
    // Every accepted body is a real export that runs to its end (and leaves no queue behind for later suites).
    for (const jobId of accepted) expect((await waitForJob(key, jobId, 300_000)).status).toBe('done');
  }, 900_000);
});
