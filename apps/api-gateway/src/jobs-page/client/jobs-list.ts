/// <reference lib="dom" />
/*
 * The jobs table: reads a page of `GET /v2/jobs`, shows it, and reads it again while a job on it can still change
 * (polling.ts decides when). Rows whose job did not change are kept as they are, so a keyboard user's focus and an
 * open "Request" stay put while the rest of the table updates; a rebuilt row gives the focus back to the same button.
 */
import { ApiClient } from './api-client';
import { replaceChildren } from './dom';
import { describeApiError, fieldErrorsOf, FieldError } from './field-errors';
import { formatTimestamp, isFinalStatus } from './format';
import { JobView, jobRow, messageRow, MoreFiles } from './jobs-table';
import {
  currentCursor,
  fileListQuery,
  FIRST_PAGE,
  jobListQuery,
  ListFilters,
  nextPage,
  PageTrail,
  pageNumber,
  previousPage,
} from './paging';
import { nextPollDelay, retryAfterSeconds } from './polling';

export interface JobsListView {
  body: HTMLTableSectionElement;
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
  pageLabel: HTMLElement;
  updated: HTMLElement;
}

export interface JobsListEvents {
  /** Polite news for screen readers and the status line: "Export x is now done". */
  announce(text: string): void;
  /** A failure to show until the next success (null clears it). */
  alert(text: string | null): void;
  /** The filters were refused by the API: its reasons by filter field. */
  filterErrors(fields: FieldError[]): void;
  /** The key stopped working (revoked): back to the sign-in form. */
  unauthorized(): void;
}

export interface JobsList {
  load(): Promise<void>;
  /** New filters, from the first page; resolves once that page is shown. */
  setFilters(filters: ListFilters): Promise<void>;
  nextPage(): void;
  previousPage(): void;
  job(jobId: string): JobView | undefined;
  showMoreFiles(jobId: string): Promise<void>;
  /** Stops reading and forgets every job shown (signing out). */
  clear(): void;
}

interface ShownRow {
  fingerprint: string;
  row: HTMLTableRowElement;
}

const FILES_PER_PAGE = 100;

export function createJobsList(
  api: ApiClient,
  view: JobsListView,
  events: JobsListEvents,
  options: { canCancel: boolean; initialFilters: ListFilters },
): JobsList {
  let filters = options.initialFilters;
  let trail: PageTrail = FIRST_PAGE;
  let jobs: JobView[] = [];
  let nextCursor: string | null = null;
  let failures = 0;
  let retryAfter: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<void> | null = null;
  let again = false;
  let generation = 0;
  const shown = new Map<string, ShownRow>();
  const moreFiles = new Map<string, MoreFiles>();
  const statuses = new Map<string, string>();

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    const anyActive = jobs.some((job) => !isFinalStatus(job.status));
    const delay = nextPollDelay({ anyActive, hidden: document.hidden, failures, retryAfterSeconds: retryAfter });
    if (delay !== null) timer = setTimeout(() => void list.load(), delay);
  };

  const announceChanges = (page: JobView[]) => {
    const news: string[] = [];
    for (const job of page) {
      const before = statuses.get(job.jobId);
      if (before !== undefined && before !== job.status) {
        news.push(`Export ${job.name} is now ${job.status}${job.error ? ` (${job.error.code})` : ''}.`);
      }
      statuses.set(job.jobId, job.status);
    }
    if (news.length > 0) events.announce(news.join(' '));
  };

  const render = () => {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
    if (jobs.length === 0) {
      shown.clear();
      replaceChildren(
        view.body,
        messageRow(filters.status || filters.name ? 'No export matches these filters.' : 'No exports yet.'),
      );
    } else {
      const now = Date.now();
      const rows = jobs.map((job) => {
        const extra = moreFiles.get(job.jobId);
        const fingerprint = JSON.stringify([job, extra, options.canCancel]);
        const kept = shown.get(job.jobId);
        if (kept && kept.fingerprint === fingerprint) return kept.row;
        const row = jobRow(job, { canCancel: options.canCancel, moreFiles: extra, now });
        shown.set(job.jobId, { fingerprint, row });
        return row;
      });
      const onPage = new Set(jobs.map((job) => job.jobId));
      for (const id of Array.from(shown.keys())) if (!onPage.has(id)) shown.delete(id);
      // Rows already in place are not moved: moving a node would take the focus away from it.
      rows.forEach((row, index) => {
        if (view.body.children[index] !== row) view.body.insertBefore(row, view.body.children[index] ?? null);
      });
      while (view.body.children.length > rows.length) view.body.lastElementChild?.remove();
    }
    if (
      focused &&
      !(document.activeElement instanceof HTMLElement && document.activeElement.dataset.focusKey === focused)
    ) {
      view.body.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
    }
    view.previous.disabled = pageNumber(trail) === 1;
    view.next.disabled = nextCursor === null;
    view.pageLabel.textContent = `Page ${pageNumber(trail)}`;
  };

  const readPage = async (): Promise<void> => {
    const mine = generation;
    let answer;
    try {
      answer = await api.call('GET', `/v2/jobs${jobListQuery(filters, currentCursor(trail))}`);
    } catch {
      if (mine !== generation) return;
      failures += 1;
      events.alert('The API did not answer (network error). Trying again shortly.');
      return;
    }
    // Signed out meanwhile: this answer belongs to a session that is over.
    if (mine !== generation) return;
    retryAfter = retryAfterSeconds(answer.headers.get('retry-after'));
    if (answer.status === 200) {
      const page = answer.body as { items: JobView[]; nextCursor: string | null };
      failures = 0;
      retryAfter = undefined;
      jobs = page.items;
      nextCursor = page.nextCursor;
      announceChanges(jobs);
      render();
      events.alert(null);
      view.updated.textContent = `Updated ${formatTimestamp(new Date().toISOString()).slice(11)}${
        jobs.some((job) => !isFinalStatus(job.status)) ? ' · refreshing while exports run' : ''
      }`;
      return;
    }
    if (answer.status === 401) {
      events.unauthorized();
      return;
    }
    if (answer.status === 400) {
      const fields = fieldErrorsOf(answer.body);
      if (fields.some((field) => field.field === 'cursor')) trail = FIRST_PAGE;
      events.filterErrors(fields);
      events.alert(describeApiError(answer.status, answer.body));
      jobs = [];
      nextCursor = null;
      render();
      return;
    }
    failures += 1;
    const wait = retryAfter !== undefined ? ` Trying again in ${retryAfter} s.` : ' Trying again shortly.';
    events.alert(`${describeApiError(answer.status, answer.body)}.${wait}`);
  };

  const list: JobsList = {
    async load() {
      // One read at a time; a request for another while one runs makes one more read after it.
      if (loading) {
        again = true;
        return loading;
      }
      clearTimeout(timer);
      const mine = generation;
      loading = (async () => {
        do {
          again = false;
          await readPage();
        } while (again);
      })();
      try {
        await loading;
      } finally {
        loading = null;
        if (mine === generation) schedule();
      }
    },
    setFilters(next) {
      filters = next;
      trail = FIRST_PAGE;
      return list.load();
    },
    nextPage() {
      if (nextCursor === null) return;
      trail = nextPage(trail, nextCursor);
      void list.load();
    },
    previousPage() {
      trail = previousPage(trail);
      void list.load();
    },
    job: (jobId) => jobs.find((job) => job.jobId === jobId),
    async showMoreFiles(jobId) {
      const job = list.job(jobId);
      if (!job) return;
      const known = moreFiles.get(jobId);
      const answer = await api.call(
        'GET',
        `${job.filesUrl}${fileListQuery(FILES_PER_PAGE, known?.nextCursor ?? null)}`,
      );
      if (answer.status !== 200) {
        events.alert(describeApiError(answer.status, answer.body));
        return;
      }
      const page = answer.body as MoreFiles;
      moreFiles.set(jobId, { items: [...(known?.items ?? []), ...page.items], nextCursor: page.nextCursor });
      render();
      events.announce(`${moreFiles.get(jobId)!.items.length} files of ${job.name} shown.`);
    },
    clear() {
      generation += 1;
      clearTimeout(timer);
      timer = undefined;
      jobs = [];
      nextCursor = null;
      trail = FIRST_PAGE;
      failures = 0;
      shown.clear();
      moreFiles.clear();
      statuses.clear();
      view.body.replaceChildren();
      view.updated.textContent = '';
    },
  };

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && jobs.some((job) => !isFinalStatus(job.status))) void list.load();
  });
  return list;
}
