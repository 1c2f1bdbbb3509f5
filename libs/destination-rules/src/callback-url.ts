import { hasControlCharacters } from './control-characters';
import { serverProblem } from './server-names';

/** Longest `callbackUrl` accepted: room for a path and a token, not for a payload smuggled in a query string. */
export const MAX_CALLBACK_URL_LENGTH = 2048;

/**
 * `callbackUrl` of an export, where the job's final state is POSTed: an absolute `https://` URL (the signature
 * proves who sent a callback, but only TLS keeps its body private and proves whom it went to); no user name or
 * password (they would travel with every attempt and be shown in the job's `request`: a receiver that needs a
 * token takes it in the path or the query); no fragment (it is never sent, so it can only mislead); a host by the
 * rules of `destination.server`. Returns what is wrong, or null. Whether the host may be contacted is for the host
 * policy to say, at request time and again before every attempt.
 *
 * Parsed with the WHATWG URL parser, as the sender parses it: one parser, so what was judged is what is contacted.
 */
export function callbackUrlProblem(value: string): string | null {
  if (value.length > MAX_CALLBACK_URL_LENGTH) return `must have at most ${MAX_CALLBACK_URL_LENGTH} characters`;
  // The URL parser would silently drop tabs and line breaks, and trim spaces: refuse them instead.
  if (hasControlCharacters(value) || /\s/.test(value)) return 'must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL (plain http is refused)';
  if (url.username !== '' || url.password !== '')
    return 'must not carry a user name or password; put a token in the path or the query instead';
  if (value.includes('#')) return 'must not have a #fragment (it is never sent)';
  if (url.port === '0') return 'must not name port 0';
  const hostProblem = serverProblem(url.hostname);
  return hostProblem === null ? null : `host ${hostProblem}`;
}

/** The host of a valid callback URL as the host policy takes it (an IPv6 address without its brackets). */
export function callbackHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
