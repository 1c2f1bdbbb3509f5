/// <reference lib="dom" />
/*
 * Downloads without the key in a link: the file is fetched with the Authorization header and handed to the browser
 * as a Blob behind a short-lived object URL (`blob:`), which names nothing outside this tab. The whole file passes
 * through the tab's memory: for very large files the API itself (`curl -u KEY: -O ...`) streams to disk instead.
 */
import { ApiClient } from './api-client';
import { el } from './dom';
import { describeApiError } from './field-errors';

/** How long an object URL outlives its click: long enough for the browser to start saving the file. */
const OBJECT_URL_LIFETIME_MS = 60_000;

export interface Downloads {
  /** Fetches the file and saves it under its name; resolves to what to tell the user. */
  save(url: string, fileName: string): Promise<{ ok: boolean; message: string }>;
  /** Revokes every object URL still alive (signing out). */
  revokeAll(): void;
}

export function createDownloads(api: ApiClient): Downloads {
  const alive = new Set<string>();
  const revoke = (href: string) => {
    if (alive.delete(href)) URL.revokeObjectURL(href);
  };
  return {
    async save(url, fileName) {
      let answer;
      try {
        answer = await api.download(url);
      } catch {
        return { ok: false, message: `${fileName} could not be downloaded (network error); try again.` };
      }
      if (!answer.blob) return { ok: false, message: `${fileName}: ${describeApiError(answer.status, answer.body)}` };
      const href = URL.createObjectURL(answer.blob);
      alive.add(href);
      const link = el('a', { href, download: fileName, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => revoke(href), OBJECT_URL_LIFETIME_MS);
      return { ok: true, message: `${fileName} downloaded (${answer.blob.size} bytes).` };
    },
    revokeAll() {
      for (const href of Array.from(alive)) revoke(href);
    },
  };
}
