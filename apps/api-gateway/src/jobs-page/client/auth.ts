/*
 * The API key of the Jobs page: HTTP Basic with the key as user name and an empty password (`curl -u KEY:`), as the
 * API reads it. Pure: the page's script and the unit tests run this code.
 */

/** The `Authorization` header for a key; UTF-8 before base64, as the gateway decodes it. */
export function basicAuthorization(key: string): string {
  const bytes = new TextEncoder().encode(`${key}:`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** What is wrong with a typed key before it is sent, or null. Spaces around a pasted key are trimmed first. */
export function keyProblem(key: string): string | null {
  if (key === '') return 'Enter the API key.';
  if (key.includes(':')) return 'An API key has no colon in it; paste the key alone.';
  if (key.length > 256) return 'An API key is at most 256 characters long.';
  return null;
}
