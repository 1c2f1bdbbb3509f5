/// <reference lib="dom" />
/*
 * The Jobs page's script: signs in with the API key, shows the account's exports (jobs-list.ts), starts new ones
 * from the form (export-form.ts) and saves files (downloads.ts). The markup it works on is page-html.ts; this file
 * only connects the two. Started by page-script.ts once the document is parsed (the script is `defer`).
 */
import { createApiClient } from './api-client';
import { keyProblem } from './auth';
import { byId, el, replaceChildren } from './dom';
import { createDownloads } from './downloads';
import {
  addColumn,
  clearFieldErrors,
  fillExportForm,
  onColumnButton,
  readExportForm,
  showDestinationType,
  showFieldErrors,
} from './export-form';
import { newIdempotencyKey, REDACTED, toExportRequest, toFormEntries } from './export-request';
import { describeApiError, fieldErrorsOf, FieldError, placeFieldErrors } from './field-errors';
import { formatCount } from './format';
import { createJobsList } from './jobs-list';
import { ListFilters } from './paging';
import { createKeySession } from './session';

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The filters as the form holds them. */
function readFilters(form: HTMLFormElement): ListFilters {
  const value = (name: string) => {
    const control = form.elements.namedItem(name);
    return control instanceof HTMLInputElement || control instanceof HTMLSelectElement ? control.value : '';
  };
  return { status: value('status'), name: value('name'), limit: Number(value('limit')) || 20 };
}

/** The API's reasons for refused filters, beside the filter controls. */
function showFilterErrors(form: HTMLFormElement, fields: FieldError[]): void {
  for (const slot of Array.from(form.querySelectorAll<HTMLElement>('.field-error'))) {
    slot.hidden = true;
    slot.replaceChildren();
  }
  for (const control of Array.from(form.querySelectorAll('[aria-invalid]'))) control.removeAttribute('aria-invalid');
  const wrappers = new Map(
    Array.from(form.querySelectorAll<HTMLElement>('[data-field]')).map((wrapper) => [
      wrapper.dataset.field ?? '',
      wrapper,
    ]),
  );
  const placed = placeFieldErrors(fields, new Set(wrappers.keys()));
  for (const [path, reasons] of placed.byControl) {
    const wrapper = wrappers.get(path)!;
    const slot = wrapper.querySelector<HTMLElement>('.field-error');
    if (slot) {
      slot.textContent = reasons.join('; ');
      slot.hidden = false;
    }
    wrapper.querySelector('input, select')?.setAttribute('aria-invalid', 'true');
  }
}

/** Shows what a dry run answered: how many records and files the export would make. */
function dryRunSummary(answer: Record<string, unknown>): string {
  if (answer.timedOut === true) return 'Dry run: counting took too long; the export would still run.';
  const files =
    typeof answer.fileCount === 'number' ? `${formatCount(answer.fileCount)} file(s)` : 'an unknown number of files';
  return `Dry run: ${formatCount(answer.count as number)} matching records, ${files}. Nothing was started.`;
}

export function startJobsPage(): void {
  const session = createKeySession(sessionStorageOrNull());
  const api = createApiClient(() => session.key());
  const downloads = createDownloads(api);
  const canCancel = document.body.dataset.cancel === 'on';

  const signInForm = byId<HTMLFormElement>('sign-in-form');
  const keyInput = byId<HTMLInputElement>('api-key');
  const rememberInput = byId<HTMLInputElement>('remember-key');
  const signInError = byId('sign-in-error');
  const signedOutPart = byId('signed-out');
  const signedInPart = byId('signed-in');
  const statusLine = byId('status-line');
  const alertLine = byId('alert-line');
  const filtersForm = byId<HTMLFormElement>('filters-form');
  const exportForm = byId<HTMLFormElement>('export-form');
  const formSummary = byId('form-errors');
  const submitButton = byId<HTMLButtonElement>('export-submit');
  const exampleSelect = byId<HTMLSelectElement>('example-select');
  const table = byId<HTMLTableElement>('jobs-table');

  const announce = (text: string) => {
    // Set in two steps so that the same sentence twice is read twice.
    statusLine.textContent = '';
    requestAnimationFrame(() => {
      statusLine.textContent = text;
    });
  };
  const alert = (text: string | null) => {
    alertLine.textContent = text ?? '';
    alertLine.hidden = text === null;
  };

  const jobs = createJobsList(
    api,
    {
      body: table.tBodies[0],
      previous: byId<HTMLButtonElement>('pager-previous'),
      next: byId<HTMLButtonElement>('pager-next'),
      pageLabel: byId('page-number'),
      updated: byId('last-updated'),
    },
    {
      announce,
      alert,
      filterErrors: (fields) => showFilterErrors(filtersForm, fields),
      unauthorized: () => signOut('The API key is no longer accepted. Enter a valid key.'),
    },
    { canCancel, initialFilters: readFilters(filtersForm) },
  );

  function showSignedIn(signedIn: boolean): void {
    signedOutPart.hidden = signedIn;
    signedInPart.hidden = !signedIn;
  }

  function signOut(message: string | null): void {
    session.end();
    jobs.clear();
    downloads.revokeAll();
    filtersForm.reset();
    showFilterErrors(filtersForm, []);
    showSignedIn(false);
    alert(null);
    signInError.textContent = message ?? '';
    signInError.hidden = message === null;
    keyInput.value = '';
    keyInput.focus();
    announce(message ?? 'Signed out.');
  }

  async function signIn(key: string, remember: boolean): Promise<void> {
    const problem = keyProblem(key);
    if (problem) {
      signInError.textContent = problem;
      signInError.hidden = false;
      keyInput.setAttribute('aria-invalid', 'true');
      keyInput.focus();
      return;
    }
    session.start(key, remember);
    let answer;
    try {
      answer = await api.call('GET', '/v2/jobs?limit=1');
    } catch {
      session.end();
      signInError.textContent = 'The API did not answer (network error); try again.';
      signInError.hidden = false;
      return;
    }
    if (answer.status !== 200) {
      session.end();
      signInError.textContent =
        answer.status === 401 ? 'This API key is not accepted.' : describeApiError(answer.status, answer.body);
      signInError.hidden = false;
      keyInput.setAttribute('aria-invalid', 'true');
      keyInput.focus();
      return;
    }
    keyInput.value = '';
    keyInput.removeAttribute('aria-invalid');
    signInError.hidden = true;
    showSignedIn(true);
    announce('Signed in. Loading the exports of this account.');
    byId('jobs-heading').focus();
    await jobs.setFilters(readFilters(filtersForm));
  }

  signInForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(keyInput.value.trim(), rememberInput.checked);
  });
  byId('sign-out').addEventListener('click', () => signOut(null));

  filtersForm.addEventListener('submit', (event) => {
    event.preventDefault();
    showFilterErrors(filtersForm, []);
    void jobs.setFilters(readFilters(filtersForm));
  });
  // "Clear" buttons are plain buttons, not `type=reset`: a reset event comes before the values are reset, and
  // waiting for them would race with whatever the user does next.
  byId('filters-clear').addEventListener('click', () => {
    filtersForm.reset();
    showFilterErrors(filtersForm, []);
    void jobs.setFilters(readFilters(filtersForm));
  });
  byId('pager-previous').addEventListener('click', () => {
    jobs.previousPage();
    table.focus();
  });
  byId('pager-next').addEventListener('click', () => {
    jobs.nextPage();
    table.focus();
  });
  byId('refresh').addEventListener('click', () => void jobs.load());

  table.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
    if (!button || button.disabled) return;
    const jobId = button.dataset.jobId ?? '';
    switch (button.dataset.action) {
      case 'download':
        void download(button);
        break;
      case 'more-files':
        void jobs.showMoreFiles(jobId);
        break;
      case 'template':
        useAsTemplate(jobId);
        break;
      case 'cancel':
        void cancel(jobId);
        break;
    }
  });

  async function download(button: HTMLButtonElement): Promise<void> {
    const fileName = button.dataset.fileName ?? '';
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    announce(`Downloading ${fileName}…`);
    const result = await downloads.save(button.dataset.url ?? '', fileName);
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (result.ok) announce(result.message);
    else alert(result.message);
  }

  /**
   * Cancelling: shown only when the gateway has `DELETE /v2/jobs/{jobId}` (the page's `data-cancel`, see
   * page-html.ts). A job that ended meanwhile answers 409, said as it is.
   */
  async function cancel(jobId: string): Promise<void> {
    const job = jobs.job(jobId);
    if (!job || !window.confirm(`Cancel the export ${job.name}? Files delivered so far are removed.`)) return;
    let answer;
    try {
      answer = await api.call('DELETE', `/v2/jobs/${encodeURIComponent(jobId)}`);
    } catch {
      alert(`${job.name} could not be cancelled (network error); try again.`);
      return;
    }
    if (answer.status >= 200 && answer.status < 300) announce(`Cancelling ${job.name}.`);
    else alert(`${job.name}: ${describeApiError(answer.status, answer.body)}`);
    await jobs.load();
  }

  function useAsTemplate(jobId: string): void {
    const job = jobs.job(jobId);
    if (!job) return;
    fillFromRequest(job.request, `the export ${job.name}`);
  }

  function fillFromRequest(request: Record<string, unknown>, source: string): void {
    fillExportForm(exportForm, toFormEntries(request));
    clearFieldErrors(exportForm, formSummary);
    const redacted = JSON.stringify(request).includes(REDACTED);
    announce(
      `The form holds the settings of ${source}.${redacted ? ' Type its secrets (destination credentials, callback URL) again.' : ''}`,
    );
    byId('field-name').focus();
  }

  // The reference's example requests, read once when first asked for.
  let examples: Promise<Record<string, { value: Record<string, unknown> }>> | null = null;
  byId('example-fill').addEventListener('click', async () => {
    examples ??= fetch('/jobs/reference-examples.json', { credentials: 'omit', cache: 'no-cache' }).then((response) =>
      response.json(),
    );
    try {
      const example = (await examples)[exampleSelect.value];
      if (example) fillFromRequest(example.value, `the example “${exampleSelect.selectedOptions[0]?.text ?? ''}”`);
    } catch {
      examples = null;
      alert('The examples could not be read; try again.');
    }
  });

  exportForm.addEventListener('change', (event) => {
    const target = event.target as Element;
    if (target instanceof HTMLSelectElement && target.name === 'destination.type')
      showDestinationType(exportForm, target.value);
  });
  exportForm.addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLElement>('button');
    if (!target) return;
    if (target.dataset.formAction === 'add-column') addColumn(exportForm);
    else if (target.dataset.columnAction) onColumnButton(exportForm, target);
  });
  formSummary.addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLElement>('[data-focus-control]');
    if (target?.dataset.focusControl) document.getElementById(target.dataset.focusControl)?.focus();
  });
  byId('export-clear').addEventListener('click', () => {
    // Every control back to its default, no column rows, internal storage.
    clearFieldErrors(exportForm, formSummary);
    fillExportForm(exportForm, {});
    byId('field-name').focus();
  });

  // A retry of the same body (after a network error) reuses its Idempotency-Key: at most one job comes of it.
  let pending: { body: string; key: string } | null = null;
  exportForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(exportForm, formSummary);
    const body = toExportRequest(readExportForm(exportForm));
    const text = JSON.stringify(body);
    if (pending?.body !== text) pending = { body: text, key: newIdempotencyKey() };
    submitButton.disabled = true;
    let answer;
    try {
      answer = await api.call('POST', '/v2/contactactivityexport', {
        body,
        headers: { 'Idempotency-Key': pending.key },
      });
    } catch {
      showFieldErrors(exportForm, formSummary, 'The API did not answer (network error). Submit again to retry.', []);
      return;
    } finally {
      submitButton.disabled = false;
    }
    const result = (answer.body ?? {}) as Record<string, unknown>;
    if (answer.status === 202) {
      pending = null;
      announce(`Export ${String(result.name)} started (job ${String(result.jobId)}).`);
      replaceChildren(formSummary);
      void jobs.setFilters(readFilters(filtersForm));
      return;
    }
    if (answer.status === 200 && result.dryRun === true) {
      pending = null;
      announce(dryRunSummary(result));
      replaceChildren(formSummary, el('p', {}, dryRunSummary(result)));
      formSummary.hidden = false;
      return;
    }
    if (answer.status === 401) {
      signOut('The API key is no longer accepted. Enter a valid key.');
      return;
    }
    // The key is kept where a retry must not make a second job: no answer in time (408), the first attempt still at
    // work (409), throttled (429), a fault of the service (5xx). Any other refusal created nothing.
    const retryable = answer.status === 408 || answer.status === 409 || answer.status === 429 || answer.status >= 500;
    if (!retryable) pending = null;
    const retry = answer.headers.get('retry-after');
    const message = `${describeApiError(answer.status, answer.body)}${retry ? ` (retry in ${retry} s)` : ''}`;
    showFieldErrors(exportForm, formSummary, message, fieldErrorsOf(answer.body));
  });

  showDestinationType(exportForm, 'aws');
  const remembered = session.remembered();
  if (remembered !== null) {
    rememberInput.checked = true;
    void signIn(remembered, true);
  } else {
    keyInput.focus();
  }
}
