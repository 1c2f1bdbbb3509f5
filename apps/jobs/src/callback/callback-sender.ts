import { request } from 'node:https';
import { isIP } from 'node:net';
import { callbackHost, callbackUrlProblem } from '@cae/destination-rules';
import { HostPolicy, HostRefusedError } from '@cae/host-policy';

/** What one attempt came to. Only a 2xx answer delivers; anything else may pass, except a URL that is not valid. */
export type AttemptOutcome =
  { delivered: true; status: number } | { delivered: false; retriable: boolean; reason: string; status?: number };

export interface CallbackSenderOptions {
  /** The whole attempt: DNS lookup, connection, TLS, request, status line. */
  timeoutMs: number;
  /** Extra certificate authorities (unit tests); otherwise the system's and NODE_EXTRA_CA_CERTS. */
  ca?: string;
}

/** A receiver's answer headers beyond this end the attempt (Node's own limit, stated: a hostile receiver's bound). */
const MAX_ANSWER_HEADER_BYTES = 16 * 1024;

/**
 * POSTs one callback. The URL is checked again (a stored request is not trusted), its host is resolved through the
 * host policy right before connecting and the connection goes to the address that was checked, so a DNS answer that
 * changed since (rebinding) cannot slip a private address in; the certificate is still verified against the URL's
 * host name. One connection per attempt, closed after the status line: the receiver's body is never read, redirects
 * are not followed, and one deadline bounds everything, so a slow or hostile receiver holds nothing for long.
 */
export class CallbackSender {
  constructor(
    private readonly hosts: HostPolicy,
    private readonly options: CallbackSenderOptions,
  ) {}

  async send(callbackUrl: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
    const problem = callbackUrlProblem(callbackUrl);
    if (problem !== null) return { delivered: false, retriable: false, reason: `callbackUrl ${problem}` };
    const url = new URL(callbackUrl);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    try {
      const address = await untilAborted(this.hosts.resolve(callbackHost(url)), deadline.signal);
      const status = await this.post(url, address, body, headers, deadline.signal);
      if (status >= 200 && status < 300) return { delivered: true, status };
      const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
      return { delivered: false, retriable: true, status, reason: `answered HTTP ${status}${redirect}` };
    } catch (error) {
      // A refused or unresolvable host is tried again too: DNS may change, and a refusal never connects.
      const reason = deadline.signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : describe(error);
      return { delivered: false, retriable: true, reason };
    } finally {
      clearTimeout(timer);
    }
  }

  private post(
    url: URL,
    address: string,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<number> {
    const host = callbackHost(url);
    return new Promise<number>((resolve, reject) => {
      const outgoing = request(
        {
          host: address,
          port: url.port === '' ? 443 : Number(url.port),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers: { ...headers, host: url.host, 'content-length': String(Buffer.byteLength(body)) },
          // SNI and the certificate check use the URL's name, whichever checked address the connection goes to.
          ...(isIP(host) === 0 ? { servername: host } : {}),
          agent: false,
          signal,
          maxHeaderSize: MAX_ANSWER_HEADER_BYTES,
          minVersion: 'TLSv1.2',
          ...(this.options.ca ? { ca: this.options.ca } : {}),
        },
        (answer) => {
          resolve(answer.statusCode ?? 0);
          // Only the status counts: nothing the receiver sends is read or kept.
          answer.destroy();
          outgoing.destroy();
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

/** `promise`, or a rejection once `signal` aborts (a DNS lookup cannot be cancelled, but it need not be waited for). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Why an attempt failed, in words fit for a log line and the job document: never the URL's path or query. */
function describe(error: unknown): string {
  if (error instanceof HostRefusedError) {
    if (error.reason === 'unresolvable') return `the host ${error.host} could not be resolved`;
    return error.reason === 'private-address'
      ? `refused: the host ${error.host} points at a private or reserved address, which callbacks may not use`
      : `refused: the host ${error.host} is not in this installation's allow-list`;
  }
  const { code, message } = error as { code?: string; message?: string };
  const text = [code, message].filter(Boolean).join(': ') || String(error);
  return text.slice(0, 300);
}
