/**
 * The test suite's own stack: the same scripts as `make up`, on other ports and in `.data/test`, so it never
 * touches a developer's running stack. Started by global-setup.ts, stopped by global-teardown.ts.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

/**
 * CAE_PORT_OFFSET moves every port of this stack (and of the destination servers) by that much, so a benchmark
 * can run next to the test or fault stack without a port clash. The stack folder, and with it the SFTP and FTP servers'
 * folders, moves with it (starting the destination servers empties them: a shared folder once cut a fault campaign
 * short when a `make test` started beside it).
 */
const OFFSET = Number(process.env.CAE_PORT_OFFSET ?? 0);
const port = (base: number) => String(base + OFFSET);
const folder = (base: string) => (OFFSET ? `${base}-${OFFSET}` : base);
const STACK_DIR = resolve(ROOT, '.data', folder('test'));

export const TEST_STACK_ENV: Record<string, string> = {
  STACK_NAME: 'test',
  STACK_DIR,
  KAFKA_PORT: port(19092),
  KAFKA_CONTROLLER_PORT: port(19093),
  MONGO_PORT: port(27117),
  S3_PORT: port(17070),
  SMTP_PORT: port(11025),
  MAILPIT_HTTP_PORT: port(18025),
  PORT: port(13000),
  QUERY_PORT: port(13101),
  WRITER_PORT: port(13102),
  DELIVERY_PORT: port(13103),
  JOBS_PORT: port(13104),
  SEED_DEMO: '0',
  // Fast sweeps and notices so the suites see them within seconds.
  SWEEP_INTERVAL_MS: '500',
  NOTIFY_INTERVAL_MS: '300',
  // Every suite connects from 127.0.0.1, and several send wrong keys on purpose: a larger failure budget than the
  // default 20, so that one address is never limited by accident (the limit itself is tested from 127.0.0.9).
  AUTH_FAILURE_BURST: '50',
  AUTH_FAILURES_PER_MINUTE: '1',
  // The per-account limit, stated here because the flood test checks its arithmetic: a refill rate a busy machine
  // still outpaces (the default 20/s was not, once), above what one job poller sends (4/s).
  RATE_LIMIT_BURST: '100',
  RATE_LIMIT_PER_SECOND: '5',
  // Few files per job, so that the cap is reached with a small export (no suite makes more than 30 files).
  MAX_FILES_PER_JOB: '50',
  // A slow client's body is cut off after 2 s (the hostile-input suite trickles one).
  BODY_TIMEOUT_MS: '2000',
  // Customer-side servers of the delivery tests (deploy/local/test-destinations.sh), all on loopback.
  SFTP_PORT: port(12222),
  FTP_PORT: port(12121),
  FTP_PASV_MIN: port(31000),
  FTP_PASV_MAX: port(31009),
  // What the SFTP and FTP servers received (the suites read delivered files there): their users' folders, in this
  // stack's folder (no root or system user needed). The fault campaign's servers use them too, although its stack
  // folder is another, so that these helpers read where its servers wrote.
  SFTP_ROOT: resolve(STACK_DIR, 'destinations', 'sftp'),
  FTP_ROOT: resolve(STACK_DIR, 'destinations', 'ftp'),
  GCS_PORT: port(14443),
  // Only this one loopback address is allowed as a destination host; 127.0.0.2 stays refused, and so does every
  // public address (a request wrongly accepted can still reach nothing off this machine).
  DESTINATION_HOST_ALLOWLIST: '127.0.0.1/32',
  DESTINATION_PUBLIC_HOSTS: 'false',
  // The customer FTP server's self-signed certificate is trusted (requireTls tests).
  TRUST_TEST_DESTINATIONS: '1',
  S3_DEST_PORT: port(17071),
  S3_DESTINATION_ENDPOINT: `http://127.0.0.1:${port(17071)}`,
  S3_DESTINATION_FORCE_PATH_STYLE: 'true',
  GCS_ENDPOINT: `http://127.0.0.1:${port(14443)}`,
  GCS_PROJECT_ID: 'test',
  // A retry budget of at least 0.25+0.5+1+2+2 = 5.75 s and at most 11.5 s.
  DELIVERY_MAX_ATTEMPTS: '6',
  DELIVERY_RETRY_BASE_MS: '500',
  DELIVERY_RETRY_CAP_MS: '4000',
  // Unfinished jobs are looked at every 2 s (the reconciler suite sets its jobs' times back instead of waiting).
  JOB_RECONCILE_INTERVAL_MS: '2000',
  // A killed delivery replica's work is taken over after 10 s (60 s in production).
  DELIVERY_CLAIM_MS: '10000',
  // The per-account quota of active exports, stated because the job-controls suite fills it (the default; the
  // tenant-isolation suite queues 8 exports of one account at once, so it stays above that).
  MAX_ACTIVE_EXPORTS_PER_ACCOUNT: '10',
  // A dry run's count is never cut short on a busy machine: the suites compare it with the export's own count.
  DRY_RUN_MAX_TIME_MS: '60000',
  // Completion callbacks are looked for every 300 ms and retried after 0.1-0.2 s, 0.2-0.4 s, ... (at most 1 s), 4
  // attempts in all; an attempt gives up after 5 s (a receiver that never answers), ample for one on loopback.
  CALLBACK_INTERVAL_MS: '300',
  CALLBACK_RETRY_BASE_MS: '200',
  CALLBACK_RETRY_CAP_MS: '1000',
  CALLBACK_MAX_ATTEMPTS: '4',
  CALLBACK_TIMEOUT_MS: '5000',
};

export const API_URL = `http://127.0.0.1:${TEST_STACK_ENV.PORT}`;
export const MAILPIT_URL = `http://127.0.0.1:${TEST_STACK_ENV.MAILPIT_HTTP_PORT}`;
export const S3_ENDPOINT = `http://127.0.0.1:${TEST_STACK_ENV.S3_PORT}`;
export const MONGODB_URI = `mongodb://127.0.0.1:${TEST_STACK_ENV.MONGO_PORT}/cordial`;

/** Runs a `deploy/local/stack.sh` command (`stop-service NAME`, `start-service NAME`, ...) against the test stack. */
export function stackCommand(...args: string[]): void {
  execFileSync('bash', ['deploy/local/stack.sh', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_STACK_ENV },
    stdio: 'inherit',
  });
}
