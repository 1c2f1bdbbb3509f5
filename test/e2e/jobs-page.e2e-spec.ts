import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { closedPort } from '../support/destinations';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, ConsoleMessage, Page } from 'playwright-core';
import { api, basicAuth, download, JobView, waitForJob } from '../support/api';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';
import { API_URL, ROOT, TEST_STACK_ENV, stackCommand as stack } from '../support/test-stack';

/**
 * Issue 12: the Jobs page in a real browser (Debian's Chromium, driven by playwright-core; installed by
 * test/support/install-chromium.sh). A user signs in with the key, starts an export from the form and watches it
 * end, downloads a file, sees a failed job's message and the API's validation errors beside their fields; another
 * account's jobs never show, and the key never leaves the Authorization header (no URL, no localStorage, no log).
 * UPDATE_SCREENSHOT=1 rewrites docs/jobs-page.png from this run.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Exports end within seconds here; a busy machine makes them slower, never different. */
const JOB_TIMEOUT_MS = 300_000;
const LOGS = join(TEST_STACK_ENV.STACK_DIR, 'logs');

/** deploy/local/stack.sh on the test stack (the cancel test stops the query service so its job stays pending). */
/** Every line the gateway (all its replicas) logged so far. */
function gatewayLogLines(): string[] {
  if (!existsSync(LOGS)) return [];
  return readdirSync(LOGS)
    .filter((file) => /^api-gateway(\.\d+)?\.log$/.test(file))
    .flatMap((file) => readFileSync(join(LOGS, file), 'utf8').split('\n'));
}

describe('the Jobs page in Chromium', () => {
  const suffix = randomBytes(4).toString('hex');
  let owner: { accountId: string; key: string };
  let other: { accountId: string; key: string };
  let othersJob: JobView;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the page asked for, and what the console said (CSP or Trusted Types violations would show there). */
  const requested: string[] = [];
  const consoleErrors: string[] = [];

  const row = (name: string) => page.locator('#jobs-table tbody tr', { hasText: name });

  async function signIn(key: string, remember = false): Promise<void> {
    // With the keyboard only: the key field has the focus when the page opens.
    await page.locator('#api-key').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'api-key');
    await page.keyboard.type(key);
    if (remember) await page.locator('#remember-key').check();
    await page.locator('#api-key').focus();
    await page.keyboard.press('Enter');
    await page.locator('#signed-in').waitFor({ state: 'visible' });
    await page.locator('#jobs-table tbody tr').first().waitFor();
  }

  async function startExport(fill: () => Promise<void>): Promise<void> {
    await page.locator('#export-clear').click();
    await page.waitForFunction(() => document.querySelectorAll('#column-rows > li').length === 0);
    await fill();
    await page.locator('#export-submit').click();
  }

  async function waitForStatus(name: string, status: string): Promise<void> {
    await row(name).locator(`.status-${status}`).waitFor({ timeout: JOB_TIMEOUT_MS });
  }

  async function apiJobNamed(key: string, name: string): Promise<JobView> {
    const list = await api<{ items: JobView[] }>('GET', `/v2/jobs?name=${name}`, { key });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    return list.body.items[0];
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run test/support/install-chromium.sh (make e2e does)`);
    }
    owner = await createAccount('page');
    other = await createAccount('page-other');
    await insertActivities(makeActivities(owner.accountId, 300, 12));
    await insertActivities(makeActivities(other.accountId, 20, 13));
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key: other.key,
      body: { exportType: 'csv', name: `others_secret_${suffix}` },
    });
    expect(created.status).toBe(202);
    othersJob = await waitForJob(other.key, created.body.jobId, JOB_TIMEOUT_MS);

    userDataDir = mkdtempSync(join(tmpdir(), 'jobs-page-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      viewport: { width: 1440, height: 900 },
      timezoneId: 'UTC',
      locale: 'en-GB',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  }, JOB_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await closeDatabase();
  });

  it('opens at / (redirected to /jobs) with a strict Content-Security-Policy', async () => {
    const response = await page.goto(`${API_URL}/`);
    expect(response?.url()).toBe(`${API_URL}/jobs`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await expect(page.title()).resolves.toContain('Jobs');
  });

  it('refuses a wrong key and says so beside the key field', async () => {
    await page.locator('#api-key').fill(`wrong-${suffix}`);
    await page.locator('#sign-in-form button[type="submit"]').click();
    await page.locator('#sign-in-error').waitFor({ state: 'visible' });
    expect(await page.locator('#sign-in-error').textContent()).toContain('not accepted');
    expect(await page.locator('#signed-in').isHidden()).toBe(true);
    await page.locator('#api-key').fill('');
  });

  it('signs in with the keyboard and shows no job of another account', async () => {
    await signIn(owner.key);
    expect(await page.locator('#jobs-table tbody').textContent()).toContain('No exports yet.');
    expect(await page.content()).not.toContain(othersJob.jobId);
    expect(await page.content()).not.toContain(othersJob.name);
  });

  let exported: JobView;

  it('starts an export from the form and shows it running, then done, with its progress and files', async () => {
    const name = `page_export_${suffix}`;
    const listReadsBefore = requested.filter((url) => url.includes('/v2/jobs?')).length;
    const started = Date.now();
    await startExport(async () => {
      await page.locator('#field-name').fill(name);
      await page.locator('#field-exportType').selectOption('csv');
      await page.locator('#field-limitRecordsPerFile').fill('100');
      await page.locator('#field-selected_timeframe_start').fill('2019-03-20T00:00');
      await page.locator('#field-selected_timeframe_end').fill('2019-03-30T23:59:59.999');
      for (const [field, label] of [
        ['email', 'Email'],
        ['action', 'Action'],
      ]) {
        await page.locator('[data-form-action="add-column"]').click();
        await page.locator('#column-rows > li:last-child input[name$=".name"]').fill(field);
        await page.locator('#column-rows > li:last-child input[name$=".label"]').fill(label);
      }
    });
    await page.waitForFunction(
      (expected) => document.getElementById('status-line')?.textContent?.includes(expected),
      `Export ${name} started`,
    );
    await row(name).waitFor();
    await waitForStatus(name, 'done');
    // The status line (role=status, aria-live) said so.
    await page.waitForFunction(
      (expected) => document.getElementById('status-line')?.textContent?.includes(expected),
      `Export ${name} is now done.`,
    );

    exported = await apiJobNamed(owner.key, name);
    expect(exported).toMatchObject({ status: 'done', totalItems: 300, completedItems: 300, fileCount: 3 });
    expect(exported.request).toMatchObject({
      exportType: 'csv',
      limitRecordsPerFile: 100,
      selected_timeframe_start: '2019-03-20T00:00:00.000Z',
      selected_timeframe_end: '2019-03-30T23:59:59.999Z',
      columnHeaders: [
        { name: 'email', label: 'Email' },
        { name: 'action', label: 'Action' },
      ],
    });
    const shown = row(name);
    expect(await shown.locator('.progress-text').textContent()).toBe('300 / 300 (100%)');
    expect(await shown.locator('progress').evaluate((bar: HTMLProgressElement) => [bar.value, bar.max])).toEqual([
      300, 300,
    ]);
    expect(await shown.locator('li.file .file-name').allTextContents()).toEqual(
      exported.files.map((file) => file.name),
    );
    expect(await shown.locator('td.number').textContent()).toBe('300');
    expect(await shown.locator('time').first().getAttribute('datetime')).toBe(
      (exported as JobView & { createdAt: string }).createdAt,
    );
    // Polite polling: at most about one list read a second while the job ran (ACTIVE_POLL_MS is 2 s).
    const listReads = requested.filter((url) => url.includes('/v2/jobs?')).length - listReadsBefore;
    expect(listReads).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 2);
  });

  it('downloads a file through the page, byte for byte what the API serves', async () => {
    const file = exported.files[1];
    const button = row(exported.name).locator(`button[data-action="download"][data-file-name="${file.name}"]`);
    // Keyboard: focus the button, see its focus ring, press Enter.
    await button.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await button.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await button.evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe('none');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(saved.suggestedFilename()).toBe(file.name);
    expect(saved.url()).toMatch(/^blob:/);
    const bytes = readFileSync((await saved.path())!);
    const fromApi = await download(owner.key, file.url!);
    expect(fromApi.status).toBe(200);
    expect(bytes.equals(fromApi.bytes)).toBe(true);
    expect(bytes.length).toBe(file.bytes);
    expect(bytes.toString('utf8').split('\r\n')[0]).toBe('Email,Action');
    await page.waitForFunction(() => document.getElementById('status-line')?.textContent?.includes('downloaded'));
  });

  it('shows the message of a failed job (SFTP to a closed port of 127.0.0.1)', async () => {
    const name = `page_failed_${suffix}`;
    const port = await closedPort();
    await startExport(async () => {
      await page.locator('#field-name').fill(name);
      await page.locator('#field-exportType').selectOption('json');
      await page.locator('#field-destination-type').selectOption('sftp');
      await page.locator('#field-destination-server').fill('127.0.0.1');
      await page.locator('#field-destination-port').fill(String(port));
      await page.locator('#field-destination-username').fill('nobody');
      await page.locator('#field-destination-password').fill(`pw-${suffix}`);
      await page.locator('#field-destination-path').fill('/upload');
    });
    await waitForStatus(name, 'failed');
    const failed = await apiJobNamed(owner.key, name);
    expect(failed.error?.code).toBe('HOST_UNREACHABLE');
    expect(failed.request.destination).toMatchObject({ type: 'sftp', port, password: '[REDACTED]' });
    expect(await row(name).locator('.error-cell code').textContent()).toBe(failed.error!.code);
    expect(await row(name).locator('.job-error-message').textContent()).toBe(failed.error!.message);
    await page.waitForFunction(
      (expected) => document.getElementById('status-line')?.textContent?.includes(expected),
      `Export ${name} is now failed (HOST_UNREACHABLE).`,
    );
  });

  it('writes the screenshot of docs/jobs-page.png when asked to (UPDATE_SCREENSHOT=1)', async () => {
    if (process.env.UPDATE_SCREENSHOT !== '1') return;
    // The two jobs so far (one done with its files, one failed with its message) and the start of the form.
    await page.locator('#export-clear').click();
    await page.setViewportSize({ width: 1440, height: 1150 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ROOT, 'docs', 'jobs-page.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows the API’s own validation errors beside their fields, and starts nothing', async () => {
    const jobsBefore = await (await database()).collection('jobs').countDocuments({ accountId: owner.accountId });
    await startExport(async () => {
      await page.locator('#field-name').fill('not a name!');
      await page.locator('#field-limitRecordsPerFile').fill('0');
      await page.locator('[data-form-action="add-column"]').click();
      await page.locator('#field-columnHeaders-0-name').fill('nope');
      await page.locator('#field-columnHeaders-0-label').fill('Nope');
      await page.locator('#field-destination-type').selectOption('ftp');
      await page.locator('#field-destination-port').fill('99999');
    });
    await page.locator('#form-errors').waitFor({ state: 'visible' });
    // What the API itself answers to the same body.
    const answer = await api<{ code: string; fields: { field: string; reasons: string[] }[] }>(
      'POST',
      '/v2/contactactivityexport',
      {
        key: owner.key,
        body: {
          name: 'not a name!',
          exportType: 'csv',
          limitRecordsPerFile: 0,
          columnHeaders: [{ name: 'nope', label: 'Nope' }],
          destination: { type: 'ftp', port: 99999 },
        },
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    for (const field of ['name', 'limitRecordsPerFile', 'columnHeaders.0.name', 'destination.port']) {
      const reasons = answer.body.fields.find((entry) => entry.field === field)?.reasons;
      expect({ field, reasons: reasons?.length }).toEqual({ field, reasons: expect.any(Number) });
      const id = `field-${field.replace(/\./g, '-')}`;
      const error = page.locator(`#${id}-error`);
      expect(await error.isVisible()).toBe(true);
      expect(await error.locator('.reason').allTextContents()).toEqual(reasons);
      expect(await page.locator(`#${id}`).getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator(`#${id}`).getAttribute('aria-describedby')).toContain(`${id}-error`);
    }
    // The summary has the focus (it is read out) and names the answer.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('form-errors');
    expect(await page.locator('#form-errors').textContent()).toContain('VALIDATION_FAILED');
    expect(await (await database()).collection('jobs').countDocuments({ accountId: owner.accountId })).toBe(jobsBefore);
  });

  it('shows tenant input as text, never as markup', async () => {
    const name = `page_hostile_${suffix}`;
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const created = await api<{ jobId: string }>('POST', '/v2/contactactivityexport', {
      key: owner.key,
      body: {
        name,
        exportType: 'csv',
        selected_contact: hostile,
        columnHeaders: [{ name: 'email', label: hostile }],
      },
    });
    expect(created.status).toBe(202);
    await waitForJob(owner.key, created.body.jobId, JOB_TIMEOUT_MS);
    await page.locator('#refresh').click();
    await waitForStatus(name, 'done');
    await row(name).locator('details.job-request summary').click();
    const request = JSON.parse((await row(name).locator('details.job-request pre').textContent()) ?? '{}');
    expect(request).toMatchObject({ selected_contact: hostile, columnHeaders: [{ name: 'email', label: hostile }] });
    expect(await page.locator('#jobs-table img, #jobs-table script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('fills the form from a job (Use as template), secrets left to type again', async () => {
    const failedRow = row(`page_failed_${suffix}`);
    await failedRow.locator('button[data-action="template"]').click();
    expect(await page.locator('#field-name').inputValue()).toBe(`page_failed_${suffix}`);
    expect(await page.locator('#field-destination-type').inputValue()).toBe('sftp');
    expect(await page.locator('#field-destination-server').inputValue()).toBe('127.0.0.1');
    expect(await page.locator('#field-destination-password').inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-name');
  });

  it('filters by status and by name, and pages through a long list', async () => {
    await page.locator('#filter-status').selectOption('failed');
    await page.locator('#filters-form button[type="submit"]').click();
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#jobs-table tbody .status')).every((s) => s.textContent === 'failed'),
    );
    await row(`page_failed_${suffix}`).waitFor();
    expect(await page.locator('#jobs-table tbody tr').count()).toBe(1);

    await page.locator('#filter-status').selectOption('');
    await page.locator('#filter-name').fill(`page_export_${suffix}`);
    await page.locator('#filters-form button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelectorAll('#jobs-table tbody tr').length === 1);
    await row(`page_export_${suffix}`).waitFor();

    // A name the API refuses: its reason beside the name filter.
    await page.locator('#filter-name').fill('no spaces allowed');
    await page.locator('#filters-form button[type="submit"]').click();
    await page.locator('#filter-name-error').waitFor({ state: 'visible' });
    expect(await page.locator('#filter-name').getAttribute('aria-invalid')).toBe('true');

    // Twelve more (ended) jobs, older than the others: with 10 a page, the list has two pages.
    const jobs = (await database()).collection('jobs');
    await jobs.insertMany(
      Array.from({ length: 12 }, (_, n) => ({
        _id: randomUUID() as never,
        accountId: owner.accountId,
        jobName: 'contactactivityexport',
        name: `old_${String(n).padStart(2, '0')}_${suffix}`,
        status: 'done',
        totalItems: 0,
        completedItems: 0,
        createdAt: new Date(Date.UTC(2020, 0, 1, 0, n)),
        startedAt: new Date(Date.UTC(2020, 0, 1, 0, n)),
        endedAt: new Date(Date.UTC(2020, 0, 1, 0, n, 1)),
        request: { exportType: 'csv' },
        fileCount: 0,
      })),
    );
    await page.locator('#filters-clear').click();
    await page.locator('#filter-limit').selectOption('10');
    await page.locator('#filters-form button[type="submit"]').click();
    const firstPage = await api<{ items: JobView[]; nextCursor: string }>('GET', '/v2/jobs?limit=10', {
      key: owner.key,
    });
    const secondPage = await api<{ items: JobView[] }>('GET', `/v2/jobs?limit=10&cursor=${firstPage.body.nextCursor}`, {
      key: owner.key,
    });
    const shownIds = () =>
      page.locator('#jobs-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job-id')));
    await page.waitForFunction(() => document.querySelectorAll('#jobs-table tbody tr').length === 10);
    expect(await shownIds()).toEqual(firstPage.body.items.map((job) => job.jobId));
    expect(await page.locator('#pager-previous').isDisabled()).toBe(true);
    await page.locator('#pager-next').click();
    await page.waitForFunction(() => document.getElementById('page-number')?.textContent === 'Page 2');
    await page.waitForFunction(
      (first) => document.querySelector('#jobs-table tbody tr')?.getAttribute('data-job-id') === first,
      secondPage.body.items[0].jobId,
    );
    expect(await shownIds()).toEqual(secondPage.body.items.map((job) => job.jobId));
    await page.locator('#pager-previous').click();
    await page.waitForFunction(() => document.getElementById('page-number')?.textContent === 'Page 1');
    await page.waitForFunction(
      (first) => document.querySelector('#jobs-table tbody tr')?.getAttribute('data-job-id') === first,
      firstPage.body.items[0].jobId,
    );
  });

  it('keeps the key out of every URL, localStorage, cookies and the gateway’s log', async () => {
    const forms = [owner.key, basicAuth(owner.key).slice('Basic '.length), encodeURIComponent(owner.key)];
    expect(requested.length).toBeGreaterThan(10);
    for (const url of requested) for (const form of forms) expect(url).not.toContain(form);
    expect(requested.filter((url) => !url.startsWith(API_URL) && !url.startsWith('blob:'))).toEqual([]);
    const storage = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
    }));
    expect(storage).toEqual({ local: '{}', session: '{}', cookie: '' });
    const lines = gatewayLogLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const form of forms.slice(0, 2)) expect(lines.filter((line) => line.includes(form))).toEqual([]);
  });

  it('keeps the key for the tab only when asked, and forgets it on sign-out', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#signed-out').waitFor({ state: 'visible' });
    expect(await page.locator('#jobs-table tbody tr').count()).toBe(0);
    await signIn(other.key, true);
    await row(othersJob.name).waitFor();
    expect(await page.locator('#jobs-table tbody').textContent()).not.toContain(`page_export_${suffix}`);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([other.key]);
    await page.reload();
    await row(othersJob.name).waitFor();
    expect(await page.locator('#jobs-table tbody tr').count()).toBe(1);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.locator('#sign-out').click();
    await page.locator('#signed-out').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('cancels a pending export from its row (DELETE /v2/jobs/{jobId}), and offers no Cancel once it ended', async () => {
    // The gateway has the cancel route, so the page offers it (the page asks the gateway's own routes).
    expect(await page.locator('body').getAttribute('data-cancel')).toBe('on');
    await signIn(owner.key);
    const name = `page_cancel_${suffix}`;
    // Without the query service, the job stays pending for as long as this takes: nothing depends on timing.
    stack('stop-service', 'query');
    try {
      await startExport(async () => {
        await page.locator('#field-name').fill(name);
      });
      await row(name).locator('.status-pending').waitFor({ timeout: JOB_TIMEOUT_MS });
      expect(await row(`page_export_${suffix}`).locator('button[data-action="cancel"]').count()).toBe(0);
      page.once('dialog', (dialog) => void dialog.accept());
      await row(name).locator('button[data-action="cancel"]').click();
      await page.waitForFunction(
        (expected) => document.getElementById('status-line')?.textContent?.includes(expected),
        `Cancelling ${name}.`,
      );
    } finally {
      stack('start-service', 'query');
    }
    await waitForStatus(name, 'cancelled');
    expect(await row(name).locator('button[data-action="cancel"]').count()).toBe(0);
    expect((await apiJobNamed(owner.key, name)).status).toBe('cancelled');
  });

  it('ran without a console error: no Content-Security-Policy or Trusted Types violation, no script error', () => {
    // The wrong key (401) and the refused export and filter (400) are reported by the browser as failed resources.
    const expected = /^Failed to load resource: the server responded with a status of 40[01] /;
    expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
  });
});
