import { API_URL } from './test-stack';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/** Calls the API; `body` objects are sent as JSON, strings as they are. */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = basicAuth(options.key);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${API_URL}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export interface JobView {
  jobId: string;
  name: string;
  status: string;
  totalItems: number | null;
  completedItems: number;
  /** The first 100 files, in chunk order; `filesUrl` lists them all (see `allFiles`). */
  files: {
    name: string;
    records: number;
    bytes: number;
    sha256: string;
    url?: string;
    location?: string;
    expiresAt?: string;
  }[];
  fileCount: number;
  filesUrl: string;
  error?: { code: string; message: string };
  request: Record<string, unknown>;
  startedAt: string | null;
  endedAt: string | null;
}

/** Polls the job until it is done or failed (never a fixed sleep). */
export async function waitForJob(key: string, jobId: string, timeoutMs = 300_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body, headers } = await api<JobView>('GET', `/v2/jobs/${jobId}`, { key });
    if (status === 429 && Date.now() < deadline) {
      // A busy account's poller is throttled like any client: wait as told, then poll again.
      await new Promise((resolve) => setTimeout(resolve, Number(headers.get('retry-after') ?? 1) * 1000));
      continue;
    }
    if (status !== 200) throw new Error(`GET job ${jobId}: ${status} ${JSON.stringify(body)}`);
    if (body.status === 'done' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function download(key: string, url: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response = await fetch(`${API_URL}${url}`, { headers: { authorization: basicAuth(key) } });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

/** Starts an export and waits for it to end. */
export async function runExport(key: string, request: Record<string, unknown>): Promise<JobView> {
  const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', { key, body: request });
  if (created.status !== 202) throw new Error(`export refused: ${created.status} ${JSON.stringify(created.body)}`);
  return waitForJob(key, created.body.jobId);
}

/** Every file of a job, read a page at a time from its files endpoint. */
export async function allFiles(
  key: string,
  job: Pick<JobView, 'filesUrl' | 'files' | 'fileCount'>,
): Promise<JobView['files']> {
  if (job.fileCount <= job.files.length) return job.files;
  const files: JobView['files'] = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse<{ items: JobView['files']; nextCursor: string | null }> = await api(
      'GET',
      `${job.filesUrl}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      { key },
    );
    if (page.status !== 200) throw new Error(`GET ${job.filesUrl}: ${page.status}`);
    files.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return files;
}
