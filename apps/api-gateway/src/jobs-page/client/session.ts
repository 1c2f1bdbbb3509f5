/// <reference lib="dom" />
/*
 * Where the Jobs page keeps the API key: in memory, and in the tab's sessionStorage only when the user asks for it
 * (it then survives a reload of the tab and is gone when the tab closes). Never in localStorage, a cookie or a URL.
 */

/** The sessionStorage entry of a remembered key. */
export const SESSION_KEY_ENTRY = 'cae.jobsPage.apiKey';

export interface KeySession {
  /** The key in use, or null when signed out. */
  key(): string | null;
  /** Uses the key; with `remember`, the tab's sessionStorage keeps it too (and otherwise forgets any earlier one). */
  start(key: string, remember: boolean): void;
  /** Forgets the key everywhere. */
  end(): void;
  /** A key remembered earlier in this tab, or null. */
  remembered(): string | null;
}

/** `storage`: the tab's sessionStorage; null where the browser refuses it (the key then lives in memory only). */
export function createKeySession(storage: Storage | null): KeySession {
  let current: string | null = null;
  const forget = () => {
    try {
      storage?.removeItem(SESSION_KEY_ENTRY);
    } catch {
      // Storage refused: there is nothing in it to forget.
    }
  };
  return {
    key: () => current,
    start(key, remember) {
      current = key;
      if (!remember) return forget();
      try {
        storage?.setItem(SESSION_KEY_ENTRY, key);
      } catch {
        // Storage refused (private mode, quota): the key stays in memory only.
      }
    },
    end() {
      current = null;
      forget();
    },
    remembered() {
      try {
        return storage?.getItem(SESSION_KEY_ENTRY) ?? null;
      } catch {
        return null;
      }
    },
  };
}
