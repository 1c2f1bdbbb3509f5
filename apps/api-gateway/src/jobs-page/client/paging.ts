/*
 * Paging through `GET /v2/jobs`: the API answers a page and the cursor of the next one (newest first, keyset), so
 * "Previous" needs the cursors already used. Pure: the page's script and the unit tests run this code.
 */

export interface ListFilters {
  /** '' for every status. */
  status: string;
  /** '' for every name; otherwise the exact export name. */
  name: string;
  /** Jobs per page, as the API reads it (1 to 200). */
  limit: number;
}

/** The cursor of each page seen so far: `[null]` is the first page, `[null, c2]` the second, ... */
export interface PageTrail {
  cursors: (string | null)[];
}

export const FIRST_PAGE: PageTrail = { cursors: [null] };

export function currentCursor(trail: PageTrail): string | null {
  return trail.cursors[trail.cursors.length - 1] ?? null;
}

/** 1 for the first page. */
export function pageNumber(trail: PageTrail): number {
  return trail.cursors.length;
}

export function nextPage(trail: PageTrail, nextCursor: string): PageTrail {
  return { cursors: [...trail.cursors, nextCursor] };
}

export function previousPage(trail: PageTrail): PageTrail {
  return trail.cursors.length > 1 ? { cursors: trail.cursors.slice(0, -1) } : FIRST_PAGE;
}

/** The query string of a page of jobs (`?limit=20&status=done&cursor=...`); filters left empty are not sent. */
export function jobListQuery(filters: ListFilters, cursor: string | null): string {
  const query = new URLSearchParams();
  query.set('limit', String(filters.limit));
  if (filters.status !== '') query.set('status', filters.status);
  if (filters.name !== '') query.set('name', filters.name);
  if (cursor !== null) query.set('cursor', cursor);
  return `?${query.toString()}`;
}

/** The query string of a page of a job's files. */
export function fileListQuery(limit: number, cursor: string | null): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) query.set('cursor', cursor);
  return `?${query.toString()}`;
}
