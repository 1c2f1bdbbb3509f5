/// <reference lib="dom" />
/*
 * One row of the jobs table per job of the page. Rows are built from the job resource with textContent only (see
 * dom.ts); their buttons carry `data-action` and are handled by one listener on the table (app.ts).
 */
import { el, hiddenText } from './dom';
import { formatBytes, formatCount, formatDuration, formatTimestamp, isFinalStatus, progressOf } from './format';

// Type-only: erased at compile time, so the browser script still requires nothing outside client/.
import type { JobFileView as FileView } from '../../jobs/job-view';

export type { FileView };

/** The job resource of `GET /v2/jobs` (job-view.ts on the server). */
export interface JobView {
  jobId: string;
  name: string;
  status: string;
  totalItems: number | null;
  completedItems: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  request: Record<string, unknown>;
  files: FileView[];
  fileCount: number;
  filesUrl: string;
  error?: { code: string; message: string };
}

/** The files of a job read beyond the first 100 of its resource, from its files endpoint. */
export interface MoreFiles {
  items: FileView[];
  nextCursor: string | null;
}

export interface RowOptions {
  /** The gateway has `DELETE /v2/jobs/{jobId}`: running jobs get a Cancel button. */
  canCancel: boolean;
  moreFiles?: MoreFiles;
  now: number;
}

/** The table's columns, in order (the header row of the markup has the same). */
export const JOB_COLUMNS = ['Name', 'Status', 'Progress', 'Records', 'Times', 'Error', 'Files', 'Actions'] as const;

/** A key that names the same control in the next rendering of a row, to give focus back to it. */
export function focusKey(action: string, jobId: string, fileName = ''): string {
  return `${action}:${jobId}:${fileName}`;
}

function actionButton(
  action: string,
  jobId: string,
  label: string,
  hidden: string,
  extra: Record<string, string> = {},
): HTMLButtonElement {
  return el(
    'button',
    {
      type: 'button',
      class: `button-small action-${action}`,
      'data-action': action,
      'data-job-id': jobId,
      'data-focus-key': focusKey(action, jobId, extra['data-file-name']),
      ...extra,
    },
    label,
    hiddenText(hidden),
  );
}

/** Created, started and ended, one line each (and how long it took): one column instead of three. */
function timesCell(job: JobView, now: number): HTMLTableCellElement {
  const line = (label: string, iso: string | null) => [
    el('dt', {}, label),
    el('dd', {}, iso ? el('time', { datetime: iso, title: iso }, formatTimestamp(iso)) : '—'),
  ];
  const took = job.startedAt
    ? [el('dt', {}, 'took'), el('dd', {}, formatDuration(job.startedAt, job.endedAt, now))]
    : [];
  return el(
    'td',
    { class: 'times' },
    el(
      'dl',
      {},
      ...line('created', job.createdAt),
      ...line('started', job.startedAt),
      ...line('ended', job.endedAt),
      ...took,
    ),
  );
}

function fileItem(job: JobView, file: FileView): HTMLLIElement {
  const facts = `${formatBytes(file.bytes)} · ${formatCount(file.records)} records`;
  const item = el(
    'li',
    { class: 'file' },
    el('span', { class: 'file-name' }, file.name),
    ' ',
    el('span', { class: 'file-facts' }, facts),
  );
  if (file.url && !file.expired) {
    item.append(
      ' ',
      actionButton('download', job.jobId, 'Download', ` ${file.name}`, {
        'data-file-name': file.name,
        'data-url': file.url,
      }),
    );
  } else if (file.url) {
    item.append(' ', el('span', { class: 'file-expired' }, `expired ${formatTimestamp(file.expiresAt)}`));
  }
  if (file.location) item.append(el('div', { class: 'file-location' }, file.location));
  return item;
}

function filesCell(job: JobView, moreFiles: MoreFiles | undefined): HTMLTableCellElement {
  const files = moreFiles ? moreFiles.items : job.files;
  if (files.length === 0) return el('td', {}, job.status === 'done' ? 'none' : '—');
  const cell = el(
    'td',
    { class: 'files-cell' },
    el('ul', { class: 'files' }, ...files.map((file) => fileItem(job, file))),
  );
  const hasMore = moreFiles ? moreFiles.nextCursor !== null : job.fileCount > job.files.length;
  if (hasMore) {
    const label = moreFiles ? 'More files' : `Show all ${formatCount(job.fileCount)} files`;
    cell.append(actionButton('more-files', job.jobId, label, ` of ${job.name}`));
  }
  return cell;
}

function progressCell(job: JobView): HTMLTableCellElement {
  const progress = progressOf(job);
  const bar = el('progress', { 'aria-label': `Progress of ${job.name}`, 'aria-valuetext': progress.text });
  if (progress.max !== undefined) {
    bar.max = progress.max;
    bar.value = progress.value ?? 0;
  }
  return el('td', { class: 'progress-cell' }, bar, el('span', { class: 'progress-text' }, progress.text));
}

function nameCell(job: JobView): HTMLTableCellElement {
  return el(
    'th',
    { scope: 'row', class: 'name-cell' },
    el('span', { class: 'job-name' }, job.name),
    el('span', { class: 'job-id' }, job.jobId),
    el(
      'details',
      { class: 'job-request' },
      el('summary', {}, 'Request', hiddenText(` of ${job.name}`)),
      el('pre', {}, JSON.stringify(job.request, null, 2)),
    ),
  );
}

/** The row of a job. */
export function jobRow(job: JobView, options: RowOptions): HTMLTableRowElement {
  const actions = el(
    'td',
    { class: 'actions' },
    actionButton('template', job.jobId, 'Use as template', ` (${job.name})`),
  );
  if (options.canCancel && !isFinalStatus(job.status) && job.status !== 'cancelling') {
    actions.append(actionButton('cancel', job.jobId, 'Cancel', ` ${job.name}`));
  }
  return el(
    'tr',
    { 'data-job-id': job.jobId, class: `job status-row-${job.status.replace(/[^a-z]/g, '')}` },
    nameCell(job),
    el('td', {}, el('span', { class: `status status-${job.status.replace(/[^a-z]/g, '')}` }, job.status)),
    progressCell(job),
    el('td', { class: 'number' }, formatCount(job.totalItems)),
    timesCell(job, options.now),
    job.error
      ? el(
          'td',
          { class: 'error-cell' },
          el('code', {}, job.error.code),
          el('p', { class: 'job-error-message' }, job.error.message),
        )
      : el('td', {}, '—'),
    filesCell(job, options.moreFiles),
    actions,
  );
}

/** A row that spans the table, for "no exports yet" and similar. */
export function messageRow(text: string): HTMLTableRowElement {
  return el('tr', {}, el('td', { colspan: JOB_COLUMNS.length, class: 'table-message' }, text));
}
