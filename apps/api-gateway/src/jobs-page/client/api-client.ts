/// <reference lib="dom" />
/*
 * The Jobs page's calls to the API. The key only ever travels in the `Authorization` header: never in a URL, never
 * in a cookie (`credentials: 'omit'`), never in a Referer (`no-referrer`). A redirect is refused rather than
 * followed, so no answer can send the header somewhere else.
 */
import { basicAuthorization } from './auth';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the answer is not JSON (null for an empty answer). */
  body: unknown;
}

export interface ApiClient {
  /** A JSON call: `body` is sent as JSON. Rejects only when no answer arrived (network error). */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiAnswer>;
  /** A file's bytes: a Blob on 200, the error answer otherwise. */
  download(path: string): Promise<{ status: number; headers: Headers; blob?: Blob; body?: unknown }>;
}

/** Only paths of this gateway's API: a file `url` of a job resource is such a path, never an address elsewhere. */
function checkedPath(path: string): string {
  if (!/^\/v2\/[^/]/.test(path) || path.includes('//') || path.includes('\\')) {
    throw new Error(`not a path of this API: ${path.slice(0, 80)}`);
  }
  return path;
}

async function parsed(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `key()` is read at each call, so signing out stops every later call from carrying the key. */
export function createApiClient(key: () => string | null): ApiClient {
  const init = (method: string, headers: Record<string, string>, body?: string): RequestInit => {
    const current = key();
    return {
      method,
      headers: current === null ? headers : { ...headers, Authorization: basicAuthorization(current) },
      body,
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
    };
  };
  return {
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
      let body: string | undefined;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['Content-Type'] = 'application/json';
      }
      const response = await fetch(checkedPath(path), init(method, headers, body));
      return { status: response.status, headers: response.headers, body: await parsed(response) };
    },
    async download(path) {
      const response = await fetch(checkedPath(path), init('GET', {}));
      if (response.status !== 200)
        return { status: response.status, headers: response.headers, body: await parsed(response) };
      return { status: 200, headers: response.headers, blob: await response.blob() };
    },
  };
}
