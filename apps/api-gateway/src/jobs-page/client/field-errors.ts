/*
 * Where each reason of a VALIDATION_FAILED answer goes on the page. The API names fields by path (`name`,
 * `destination.port`, `columnHeaders.2.label`, `body`); the form's controls carry the same paths. Pure: the page's
 * script and the unit tests run this code.
 */

export interface FieldError {
  field: string;
  reasons: string[];
}

/** The error answer of the API: `{ statusCode, code, message, fields? }`. */
export interface ApiErrorBody {
  statusCode?: number;
  code?: string;
  message?: string;
  fields?: FieldError[];
}

export interface PlacedErrors {
  /** Reasons by the path of the control that shows them, in the API's order. */
  byControl: Map<string, string[]>;
  /** Reasons no control of the form stands for (`body`, a field the form does not have): shown in the summary. */
  unplaced: FieldError[];
}

/**
 * Puts every reason beside the control of its field, or of the nearest field that contains it
 * (`columnHeaders.2` → the columns group, `destination` → the destination's type), or in the summary.
 */
export function placeFieldErrors(
  fields: readonly FieldError[],
  controls: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>> = {},
): PlacedErrors {
  const byControl = new Map<string, string[]>();
  const unplaced: FieldError[] = [];
  for (const error of fields) {
    const control = controlFor(error.field, controls, aliases);
    if (control === null) {
      unplaced.push(error);
      continue;
    }
    const reasons = byControl.get(control) ?? [];
    for (const reason of error.reasons) if (!reasons.includes(reason)) reasons.push(reason);
    byControl.set(control, reasons);
  }
  return { byControl, unplaced };
}

/** The control that shows a field's errors: the field's own, else that of the closest enclosing field, else null. */
export function controlFor(
  field: string,
  controls: ReadonlySet<string>,
  aliases: Readonly<Record<string, string>> = {},
): string | null {
  const segments = field.split('.');
  while (segments.length > 0) {
    const path = segments.join('.');
    const target = Object.hasOwn(aliases, path) ? aliases[path] : path;
    if (controls.has(target)) return target;
    segments.pop();
  }
  return null;
}

/** The answer in one sentence for the status line: its message, else its code, else the HTTP status. */
export function describeApiError(status: number, body: unknown): string {
  const error = typeof body === 'object' && body !== null ? (body as ApiErrorBody) : {};
  const code = typeof error.code === 'string' ? error.code : `HTTP ${status}`;
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : 'the request failed';
  return `${code}: ${message}`;
}

/** The `fields` of an error answer, when it has well-formed ones. */
export function fieldErrorsOf(body: unknown): FieldError[] {
  const fields = typeof body === 'object' && body !== null ? (body as ApiErrorBody).fields : undefined;
  if (!Array.isArray(fields)) return [];
  return fields.filter(
    (entry): entry is FieldError =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.field === 'string' &&
      Array.isArray(entry.reasons) &&
      entry.reasons.every((reason) => typeof reason === 'string'),
  );
}
