import { once } from 'node:events';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { AddressInfo, createServer as createTcpServer, Server, Socket } from 'node:net';
import { HostPolicy, HostRefusedError } from '@cae/host-policy';
import { CallbackSender } from './callback-sender';
import { CALLBACK_TEST_TLS } from './testing/callback-test-tls';

/** A host policy that answers `address` for any host and records what it was asked. */
function policyAnswering(address: string): HostPolicy & { asked: string[] } {
  const asked: string[] = [];
  return Object.assign(Object.create(HostPolicy.prototype) as HostPolicy, {
    asked,
    resolve: async (host: string) => {
      asked.push(host);
      return address;
    },
  });
}

interface Received {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTPS receiver on 127.0.0.1 with the test certificate (callback.test, 127.0.0.1), answering `status`. */
async function receiver(
  answer: (received: Received) => number,
): Promise<{ server: HttpsServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createHttpsServer({ ...CALLBACK_TEST_TLS }, (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const entry = {
        method: incoming.method,
        url: incoming.url,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(entry);
      const status = answer(entry);
      outgoing.writeHead(status, status === 302 ? { location: 'https://127.0.0.1:1/elsewhere' } : {});
      // A long answer body: never read by the sender.
      outgoing.end('x'.repeat(1_000_000));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, received };
}

/** A TCP server that takes connections and never says anything (a receiver that hangs). */
async function silentServer(): Promise<{ server: Server; port: number; connections: Socket[] }> {
  const connections: Socket[] = [];
  const server = createTcpServer((socket) => connections.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, connections };
}

const headers = { 'content-type': 'application/json', 'x-signature': 't=1,v1=00' };

describe(CallbackSender.name, () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  it('refuses an invalid URL without a lookup or a connection, for good', async () => {
    const policy = policyAnswering('127.0.0.1');
    const sut = new CallbackSender(policy, { timeoutMs: 1_000 });
    for (const url of ['http://callback.test/hook', 'https://me:pw@callback.test/hook', 'https://callback.test/#x']) {
      expect(await sut.send(url, '{}', headers)).toMatchObject({ delivered: false, retriable: false });
    }
    expect(policy.asked).toEqual([]);
  });

  it('posts the exact body and headers to the checked address, verifying the certificate by the URL host name', async () => {
    const { server, port, received } = await receiver(() => 204);
    closers.push(() => server.close());
    // callback.test resolves nowhere: the connection can only have gone to the address the policy checked.
    const policy = policyAnswering('127.0.0.1');
    const sut = new CallbackSender(policy, { timeoutMs: 5_000, ca: CALLBACK_TEST_TLS.cert });
    const body = JSON.stringify({ eventId: 'e-1', name: 'ünïcødé' });
    const outcome = await sut.send(`https://callback.test:${port}/hooks/done?token=t%20x`, body, headers);
    expect(outcome).toEqual({ delivered: true, status: 204 });
    expect(policy.asked).toEqual(['callback.test']);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/hooks/done?token=t%20x', body });
    expect(received[0].headers).toMatchObject({ host: `callback.test:${port}`, 'x-signature': 't=1,v1=00' });
    expect(received[0].headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('does not deliver to a certificate of another name, nor to one no trusted authority signed', async () => {
    const { server, port, received } = await receiver(() => 200);
    closers.push(() => server.close());
    const trusting = new CallbackSender(policyAnswering('127.0.0.1'), { timeoutMs: 5_000, ca: CALLBACK_TEST_TLS.cert });
    const otherName = await trusting.send(`https://other.test:${port}/`, '{}', headers);
    expect(otherName).toMatchObject({
      delivered: false,
      retriable: true,
      reason: expect.stringMatching(/altnames|certificate/i),
    });
    const untrusting = new CallbackSender(policyAnswering('127.0.0.1'), { timeoutMs: 5_000 });
    const selfSigned = await untrusting.send(`https://127.0.0.1:${port}/`, '{}', headers);
    expect(selfSigned).toMatchObject({
      delivered: false,
      retriable: true,
      reason: expect.stringMatching(/self.signed|certificate/i),
    });
    expect(received).toEqual([]);
  });

  it('counts only 2xx as delivered: 5xx and redirects are retried, and a redirect is not followed', async () => {
    const statuses = [500, 302, 429];
    const { server, port, received } = await receiver(() => statuses.shift() ?? 200);
    closers.push(() => server.close());
    const sut = new CallbackSender(policyAnswering('127.0.0.1'), { timeoutMs: 5_000, ca: CALLBACK_TEST_TLS.cert });
    const url = `https://127.0.0.1:${port}/hook`;
    expect(await sut.send(url, '{}', headers)).toEqual({
      delivered: false,
      retriable: true,
      status: 500,
      reason: 'answered HTTP 500',
    });
    expect(await sut.send(url, '{}', headers)).toMatchObject({
      delivered: false,
      retriable: true,
      status: 302,
      reason: expect.stringMatching(/redirects are not followed/),
    });
    expect(await sut.send(url, '{}', headers)).toMatchObject({ delivered: false, status: 429 });
    expect(await sut.send(url, '{}', headers)).toEqual({ delivered: true, status: 200 });
    expect(received.map(({ url: path }) => path)).toEqual(['/hook', '/hook', '/hook', '/hook']);
  });

  it('gives up on a receiver that never answers at its deadline, and says so', async () => {
    const { server, port, connections } = await silentServer();
    closers.push(() => {
      connections.forEach((socket) => socket.destroy());
      server.close();
    });
    const sut = new CallbackSender(policyAnswering('127.0.0.1'), { timeoutMs: 300 });
    const outcome = await sut.send(`https://callback.test:${port}/hook`, '{}', headers);
    expect(outcome).toEqual({ delivered: false, retriable: true, reason: 'no answer within 300 ms' });
    expect(connections).toHaveLength(1);
  });

  it('gives up at its deadline on a lookup that does not return', async () => {
    const hanging = Object.assign(Object.create(HostPolicy.prototype) as HostPolicy, {
      resolve: () => new Promise<string>(() => undefined),
    });
    const sut = new CallbackSender(hanging, { timeoutMs: 200 });
    expect(await sut.send('https://callback.test/hook', '{}', headers)).toMatchObject({
      reason: 'no answer within 200 ms',
    });
  });

  it('never connects to a host the policy refuses (retried later: DNS may change)', async () => {
    const { server, port, connections } = await silentServer();
    closers.push(() => server.close());
    const sut = new CallbackSender(new HostPolicy([]), { timeoutMs: 1_000 });
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', 'localhost']) {
      const outcome = await sut.send(`https://${host}:${port}/hook`, '{}', headers);
      expect(outcome).toMatchObject({ delivered: false, retriable: true, reason: expect.stringMatching(/^refused: /) });
    }
    const refusing = Object.assign(Object.create(HostPolicy.prototype) as HostPolicy, {
      resolve: async (host: string) => Promise.reject(new HostRefusedError(host, 'private-address')),
    });
    expect(
      await new CallbackSender(refusing, { timeoutMs: 1_000 }).send(`https://rebound.test:${port}/`, '{}', headers),
    ).toMatchObject({
      reason: 'refused: the host rebound.test points at a private or reserved address, which callbacks may not use',
    });
    expect(connections).toEqual([]);
  });
});
