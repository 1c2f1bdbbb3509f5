import fc from 'fast-check';
import { api, waitForJob } from '../support/api';
import { closeDatabase, createAccount, database } from '../support/fixtures';

const ACTIONS = ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint', 'custom'];
const HOSTILE_STRINGS = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '=cmd|" /C calc"!A0',
    '\u0000',
    '\ud800',
    'a\r\nb',
    'é'.repeat(300),
  ),
  fc.string({ minLength: 2_000, maxLength: 5_000 }),
);
/** Keys no field of the API has, and that the database or a careless merge would choke on. */
const HOSTILE_KEYS = fc.constantFrom(
  '$gt',
  '$where',
  '$set',
  'a.b',
  '.',
  '$',
  '__proto__',
  'constructor',
  'x\u0000y',
  'type.x',
);
/** A value wrapped in 1 to 3,000 levels of objects or arrays. */
const DEEP = fc.tuple(fc.integer({ min: 1, max: 3_000 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});
const ANYTHING = fc.oneof(
  HOSTILE_STRINGS,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
  fc.dictionary(HOSTILE_KEYS, fc.string(), { minKeys: 1, maxKeys: 2 }),
  DEEP,
);

/** A well-formed value four times out of five, else anything hostile. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: ANYTHING, weight: 1 });

/**
 * Destinations of every type with fields of every type mixed in: hosts that must be refused (private, zone ids,
 * host:port, trailing dots; none that could reach off this machine if wrongly accepted), bucket names and regions
 * with injections, control characters, fields the type does not use.
 */
const DESTINATIONS = fc.record(
  {
    type: fc.constantFrom('ftp', 'sftp', 's3', 'gcs', 'aws', 'SFTP', 'x', '__proto__'),
    server: mostly(
      fc.constantFrom(
        '127.0.0.2',
        '[::1]',
        '::1%lo',
        'fe80::1%lo',
        '10.0.0.1:21',
        'sftp.example.com.',
        '169.254.169.254',
        'ftp://127.0.0.2',
      ),
    ),
    port: mostly(fc.integer({ min: 1, max: 65535 })),
    username: mostly(fc.constantFrom('u', 'u\r\nSITE CHMOD 777 /x')),
    password: mostly(fc.constantFrom('p', 'p\nDELE x')),
    path: mostly(fc.constantFrom('/upload', './', '/upload\r\nDELE /important-file.txt', '../../etc')),
    gcs_bucket: mostly(
      fc.constantFrom(
        'victim-bucket/o?predefinedAcl=publicRead&x=',
        'a/../../../storage/v1/b/other',
        'cae-files',
        'Upper',
      ),
    ),
    aws_bucket: mostly(fc.constantFrom('cae-staging', 'b/../x', 'my..bucket')),
    aws_region: mostly(fc.constantFrom('us-west-2.attacker.example', 'us-west-2/x')),
    aws_access_key_id: mostly(fc.constantFrom('A', 'A\tB')),
    aws_secret_access_key: mostly(fc.constantFrom('B')),
    hostKeyFingerprint: mostly(fc.constantFrom('SHA256:abc', 'MD5:00')),
    requireTls: mostly(fc.boolean()),
  },
  { requiredKeys: [] },
);

/** Mostly well-formed bodies, each field sometimes replaced by something hostile or dropped. */
const bodies = fc
  .record(
    {
      exportType: mostly(fc.constantFrom('csv', 'CSV', 'json', 'Json')),
      name: mostly(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/)),
      selected_action_name: mostly(fc.constantFrom(...ACTIONS)),
      selected_action_names: mostly(fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 })),
      selected_timeframe_start: mostly(
        fc
          .date({ min: new Date(2019, 0, 1), max: new Date(2019, 5, 1), noInvalidDate: true })
          .map((d) => d.toISOString()),
      ),
      limitRecordsPerFile: mostly(fc.integer({ min: 1, max: 100_000 })),
      compress: mostly(fc.boolean()),
      showHeader: mostly(fc.boolean()),
      columnHeaders: mostly(
        fc.array(
          fc.record({
            name: fc.constantFrom('cID', 'a', 'sp.bt', 'properties.x'),
            label: fc.string({ minLength: 1, maxLength: 20 }),
          }),
          { maxLength: 4 },
        ),
      ),
      destination: fc.oneof(
        { arbitrary: fc.constant({ type: 'aws' }), weight: 4 },
        { arbitrary: DESTINATIONS, weight: 2 },
        // Arrays where an object goes.
        { arbitrary: fc.array(fc.constant({ type: 'aws' }), { maxLength: 2 }), weight: 1 },
        { arbitrary: ANYTHING, weight: 1 },
      ),
    },
    { requiredKeys: ['exportType'] },
  )
  .chain((body) =>
    // Some bodies get an unknown field, a prototype key (written into the JSON text itself: an object literal would not
    // keep it), or a hostile key in every nested object.
    fc
      .constantFrom('none', 'none', 'none', 'none', 'extra', 'proto', 'keys')
      .chain((twist) =>
        twist === 'none'
          ? fc.constant(body as unknown)
          : twist === 'extra'
            ? ANYTHING.map((value) => ({ ...body, extra_field: value }) as unknown)
            : twist === 'proto'
              ? fc.constant(
                  `${JSON.stringify(body).slice(0, -1)}${Object.keys(body).length ? ',' : ''}"__proto__":{"admin":true}}` as unknown,
                )
              : HOSTILE_KEYS.map((key) => withKeyEverywhere(body, key)),
      ),
  );

/** The body with `key` added to itself and to every object inside it (down to 8 levels; DEEP values stay as they are). */
function withKeyEverywhere(value: unknown, key: string, depth = 0): unknown {
  if (depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => withKeyEverywhere(item, key, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, withKeyEverywhere(v, key, depth + 1)]),
  );
  Object.defineProperty(copy, key, { value: 1, enumerable: true, writable: true, configurable: true });
  return copy;
}

describe('generated request bodies (property-based)', () => {
  afterAll(closeDatabase);

  it('never answer 5xx; a 4xx names fields and creates nothing; a 202 creates exactly one job', async () => {
    const { key, accountId } = await createAccount('property');
    const jobs = (await database()).collection('jobs');
    const accepted: { jobId: string; internal: boolean }[] = [];
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const before = await jobs.countDocuments({ accountId });
        const response = await api<{ jobId?: string; fields?: { field: string; reasons: string[] }[] }>(
          'POST',
          '/v2/contactactivityexport',
          { key, body },
        );
        const after = await jobs.countDocuments({ accountId });
        expect(response.status).toBeLessThan(500);
        if (response.status === 202) {
          const destination = (body as { destination?: { type?: string } }).destination;
          accepted.push({ jobId: response.body.jobId!, internal: !destination || destination.type === 'aws' });
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
    // Every accepted body is a real export that runs to its end (and leaves no queue behind for later suites): done
    // for internal storage; another destination may fail (its buckets do not exist here), but it ends.
    for (const { jobId, internal } of accepted) {
      const job = await waitForJob(key, jobId, 300_000);
      expect(internal ? ['done'] : ['done', 'failed']).toContain(job.status);
    }
  }, 900_000);
});
