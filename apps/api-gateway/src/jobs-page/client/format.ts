/*
 * Pure helpers of the Jobs page: what a job's numbers and times look like on screen. They run in the browser (their
 * source is put into the page's script by page-script.ts) and in unit tests: each one is self-contained, calling
 * only functions of this file, and touches no DOM.
 */

/** Statuses after which a job never changes again; any other status (pending, processing, cancelling) may. */
export function isFinalStatus(status: string): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}

/** `1536` → `1.5 KiB`; bytes below 1 KiB as they are (`512 B`), at most one decimal above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} B`;
  const rounded = value >= 100 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${rounded} ${units[unit]}`;
}

/** `1234567` → `1,234,567` (digits grouped the same way in every locale, so tests and screenshots agree). */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return '—';
  return Math.trunc(count)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A timestamp of the API (ISO 8601, UTC) as `2019-03-24 10:00:03` in the given time zone (the browser's own when
 * absent); `—` for null. The exact instant stays in the `<time datetime>` attribute beside it.
 */
export function formatTimestamp(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

export interface Progress {
  /** For `<progress value max>`; both undefined while the matching records are not counted yet (indeterminate). */
  value?: number;
  max?: number;
  /** What the bar says in words: `236 / 472 (50%)`, `counting…`. */
  text: string;
}

/**
 * The progress bar of a job: records in delivered files out of the matching records. Before they are counted the
 * bar is indeterminate while the job runs; a job that ended without a count shows what was delivered.
 */
export function progressOf(job: { status: string; totalItems: number | null; completedItems: number }): Progress {
  const done = Math.max(0, job.completedItems);
  if (job.totalItems === null) {
    if (isFinalStatus(job.status)) return { value: 0, max: 1, text: `${formatCount(done)} delivered` };
    return { text: job.status === 'pending' ? 'waiting to start' : 'counting…' };
  }
  const total = Math.max(0, job.totalItems);
  if (total === 0) {
    const complete = job.status === 'done';
    return { value: complete ? 1 : 0, max: 1, text: complete ? '0 / 0 (100%)' : '0 / 0' };
  }
  const shown = Math.min(done, total);
  const percent = Math.floor((shown / total) * 100);
  return { value: shown, max: total, text: `${formatCount(done)} / ${formatCount(total)} (${percent}%)` };
}

/** How long a job ran (or has been running, at `now`): `4 s`, `2 min 5 s`, `1 h 3 min`; `—` before it started. */
export function formatDuration(startedAt: string | null, endedAt: string | null, now: number): string {
  if (!startedAt) return '—';
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return '—';
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
