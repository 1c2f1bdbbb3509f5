/**
 * C0 controls, DEL and C1 controls. CR and LF end an FTP command (basic-ftp writes values as they are), so a
 * value with a line break would append commands of the caller's choice; none of the others belongs in a host,
 * path, bucket, user name or password either.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/** As a rule for a field's value (`FollowsRule`): what is wrong, or null. */
export function controlCharacterProblem(value: string): string | null {
  return hasControlCharacters(value) ? 'must not contain control characters (line breaks, tabs, NUL, ...)' : null;
}

/** The names of the fields (of a flat record of strings) that hold a control character. */
export function fieldsWithControlCharacters(fields: Record<string, unknown>): string[] {
  return Object.entries(fields)
    .filter(([, value]) => typeof value === 'string' && hasControlCharacters(value))
    .map(([name]) => name);
}
