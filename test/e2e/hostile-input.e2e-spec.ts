import { randomInt } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { api, basicAuth } from '../support/api';
import { TEST_STACK_ENV } from '../support/test-stack';

/** A GET whose path goes on the wire exactly as written (fetch would normalise `..` away). */
function rawGet(path: string, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(TEST_STACK_ENV.PORT), path, headers: { authorization: basicAuth(key) } },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
import { closeDatabase, createAccount, database } from '../support/fixtures';

/** Sends raw bytes from a given loopback source address; resolves with the whole answer once the server closes. */
function rawExchange(bytes: string, from = '127.0.0.1', giveUpMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(TEST_STACK_ENV.PORT), host: '127.0.0.1', localAddress: from });
    let answer = '';
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve(answer);
    });
    socket.on('error', (error) => (answer ? undefined : reject(error)));
  });
}

/** A GET with a key, sent from a given loopback source address. */
function getFrom(
  from: string,
  key: string,
  path = '/v2/jobs?limit=1',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(TEST_STACK_ENV.PORT),
        path,
        localAddress: from,
        headers: { authorization: basicAuth(key) },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * A client that sends its headers and then the body a byte every 300 ms (slowloris). Resolves with what the
 * server answered and after how long, or with `open` if the server still listened after `giveUpMs`.
 */
function trickle(key: string, giveUpMs: number): Promise<{ answer: string; afterMs: number }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ exportType: 'csv', name: 'slow-client' }).padEnd(400, ' ');
    const socket = connect(Number(TEST_STACK_ENV.PORT), '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < body.length && !socket.destroyed) socket.write(body[sent++]);
    }, 300);
    const finish = (text: string) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer: text, afterMs: Date.now() - started });
    };
    const giveUp = setTimeout(() => finish('open'), giveUpMs);
    socket.on('connect', () => {
      socket.write(
        `POST /v2/contactactivityexport HTTP/1.1\r\nHost: x\r\nAuthorization: ${basicAuth(key)}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => finish(answer));
    socket.on('error', (error) => (answer ? finish(answer) : reject(error)));
  });
}

/**
 * Sends requests in concurrent batches until `minLimited` of them were answered 429 (or `maxRequests` were sent),
 * and says how long that took. A busy machine sends more slowly and lets buckets refill in between, so a test
 * must not count on a fixed number being limited: it checks the limiter's arithmetic against the time it took.
 */
async function floodUntilLimited<T extends { status: number }>(
  send: (i: number) => Promise<T>,
  minLimited = 20,
  maxRequests = 3_000,
) {
  const responses: T[] = [];
  const started = Date.now();
  while (responses.filter((r) => r.status === 429).length < minLimited && responses.length < maxRequests) {
    const offset = responses.length;
    responses.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => send(offset + i)))));
  }
  return { responses, seconds: (Date.now() - started) / 1000 };
}

describe('hostile input', () => {
  afterAll(closeDatabase);

  it('answers a request flood with 429 and Retry-After, per account', async () => {
    const flooder = await createAccount('flood');
    const bystander = await createAccount('bystander');
    const { responses, seconds } = await floodUntilLimited(() => api('GET', '/v2/jobs?limit=1', { key: flooder.key }));
    const limited = responses.filter((r) => r.status === 429);
    const served = responses.filter((r) => r.status === 200).length;
    expect(limited.length).toBeGreaterThanOrEqual(20);
    // At most the burst plus what the rate refilled while the flood lasted; at least the burst.
    const [burst, rate] = [Number(TEST_STACK_ENV.RATE_LIMIT_BURST), Number(TEST_STACK_ENV.RATE_LIMIT_PER_SECOND)];
    expect(served).toBeGreaterThanOrEqual(burst);
    expect(served).toBeLessThanOrEqual(burst + Math.ceil(seconds * rate) + 1);
    expect(limited[0].body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await api('GET', '/v2/jobs', { key: bystander.key })).status).toBe(200);
  });

  it.each([
    ['a file name with a path', '..%2F..%2Fetc%2Fpasswd'],
    ['a dotted file name', '..'],
    ['an encoded dotted file name', '%2E%2E'],
    ['a backslash path', '..%5C..%5Cwin.ini'],
    ['an encoded NUL', 'a%00b.csv'],
  ])('refuses %s in a download without touching storage', async (_case, name) => {
    const { key, accountId } = await createAccount('traversal');
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key,
      body: { exportType: 'csv' },
    });
    expect(created.status).toBe(202);
    const response = await rawGet(`/v2/jobs/${created.body.jobId}/files/${name}`, key);
    expect([400, 404]).toContain(response.status);
    expect(response.body).not.toMatch(/root:|ENOENT|\s+at\s/);
    expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(1);
  });

  it('refuses header injection in names and emails', async () => {
    const { key, accountId } = await createAccount('header');
    for (const body of [
      { exportType: 'csv', name: 'a\r\nSet-Cookie: x=1' },
      { exportType: 'csv', confirmEmail: 'a@example.com\nBcc: b@example.com' },
    ]) {
      const response = await api('POST', '/v2/contactactivityexport', { key, body });
      expect(response.status).toBe(400);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
  });

  it('checks the key before reading the body: a wrong key is answered at once, the body never awaited', async () => {
    // Headers announce 200 KB that never come: with the body read first, this would wait for BODY_TIMEOUT_MS (408).
    const answer = await rawExchange(
      `POST /v2/contactactivityexport HTTP/1.1\r\nHost: x\r\nAuthorization: ${basicAuth('wrong-key')}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n{"exportType":',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(answer).toMatch(/"code":"UNAUTHORIZED"/);
  });

  it('limits failed authentications per client address, without locking out keys that work', async () => {
    // A loopback source address of its own (the whole 127/8 reaches the gateway): no earlier run shares its budget.
    const guesser = `127.${1 + randomInt(250)}.${1 + randomInt(250)}.${2 + randomInt(250)}`;
    const known = await createAccount('auth-known');
    const later = await createAccount('auth-later');
    // A key that worked from this address before the flood keeps working.
    expect((await getFrom(guesser, known.key)).status).toBe(200);
    const { responses: flood, seconds } = await floodUntilLimited((i) => getFrom(guesser, `guess-${i}`));
    const limited = flood.filter((r) => r.status === 429);
    const refused = flood.filter((r) => r.status === 401).length;
    const [burst, perMinute] = [
      Number(TEST_STACK_ENV.AUTH_FAILURE_BURST),
      Number(TEST_STACK_ENV.AUTH_FAILURES_PER_MINUTE),
    ];
    expect(limited.length).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThanOrEqual(burst);
    expect(refused).toBeLessThanOrEqual(burst + Math.ceil((seconds * perMinute) / 60) + 1);
    expect(JSON.parse(limited[0].body)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // From the flooded address, an unknown key is refused without a database lookup (the budget refills one guess
    // a minute here); a known good one passes.
    expect((await getFrom(guesser, later.key)).status).toBe(429);
    expect((await getFrom(guesser, known.key)).status).toBe(200);
    // Other addresses are not affected.
    expect((await getFrom('127.0.0.1', later.key)).status).toBe(200);
  });

  it.each([
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', 400],
    [
      'headers larger than Node accepts',
      `GET /v2/jobs HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
      431,
    ],
  ])("answers %s in the API's JSON error shape", async (_case, bytes, status) => {
    const answer = await rawExchange(bytes);
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer).toMatch(/content-type: application\/json/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ statusCode: status, code: expect.any(String), message: expect.any(String) });
  });

  it('does not say what it is built with', async () => {
    const response = await api('GET', '/v2/jobs', { key: 'no-such-key' });
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('answers a slow client with 408 once its body is late, creates nothing, and serves others meanwhile', async () => {
    const { key, accountId } = await createAccount('slowloris');
    const slow = trickle(key, 20_000);
    // While the slow body trickles, another client is served at once.
    const other = await api('GET', '/v2/jobs', { key });
    expect(other.status).toBe(200);
    const { answer, afterMs } = await slow;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/"code":"REQUEST_TIMEOUT"/);
    const limit = Number(TEST_STACK_ENV.BODY_TIMEOUT_MS);
    // Not before the deadline; how late after it depends on the machine's load, so only the 20 s give-up bounds it.
    expect(afterMs).toBeGreaterThanOrEqual(limit - 100);
    expect(await (await database()).collection('jobs').countDocuments({ accountId })).toBe(0);
  });
});
