/// <reference lib="dom" />
/*
 * The "New export" form on the page: reading its controls into entries (export-request.ts turns them into the
 * body), filling them from a request, the rows of `columnHeaders`, the destination fields of the chosen type, and
 * the API's field errors beside their controls. Controls are named by API path; each sits in a wrapper
 * `[data-field=<path>]` holding its `.field-error`.
 */
import { el, hiddenText, replaceChildren } from './dom';
import { FormEntries } from './export-request';
import { FieldError, placeFieldErrors } from './field-errors';

/** The API reports a destination that is not an object on `destination`: the type's control shows it. */
const ERROR_ALIASES: Record<string, string> = { destination: 'destination.type' };
/** A port typed by nobody yet follows the type: 22 for SFTP, 21 for FTP. */
const DEFAULT_PORTS: Record<string, string> = { sftp: '22', ftp: '21' };

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function controlsOf(form: HTMLFormElement): Control[] {
  return Array.from(form.elements).filter(
    (element): element is Control =>
      (element instanceof HTMLInputElement ||
        element instanceof HTMLSelectElement ||
        element instanceof HTMLTextAreaElement) &&
      element.name !== '',
  );
}

/** What the form holds, by API path. Disabled controls (another destination type's fields) are left out. */
export function readExportForm(form: HTMLFormElement): FormEntries {
  const entries: FormEntries = {};
  for (const control of controlsOf(form)) {
    if (control.disabled) continue;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') {
      if (control.dataset.list !== undefined) {
        const list = (entries[control.name] as string[] | undefined) ?? [];
        if (control.checked) list.push(control.value);
        entries[control.name] = list;
      } else {
        entries[control.name] = control.checked;
      }
    } else {
      entries[control.name] = control.value;
    }
  }
  return entries;
}

/** Puts every control back to the value of its markup (form.reset() would also reset what fill sets next). */
function restoreDefaults(form: HTMLFormElement): void {
  for (const control of controlsOf(form)) {
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = control.defaultChecked;
    else if (control instanceof HTMLSelectElement) {
      const initial = Array.from(control.options).find((option) => option.defaultSelected) ?? control.options[0];
      control.value = initial?.value ?? '';
    } else control.value = control.defaultValue;
  }
}

/** Fills the form from entries (toFormEntries of a request); what the entries do not name gets its default. */
export function fillExportForm(form: HTMLFormElement, entries: FormEntries): void {
  restoreDefaults(form);
  const columns = Object.keys(entries).filter((path) => /^columnHeaders\.\d+\.name$/.test(path)).length;
  setColumnRows(form, columns);
  const type = entries['destination.type'];
  showDestinationType(form, typeof type === 'string' && type !== '' ? type : 'aws');
  for (const control of controlsOf(form)) {
    if (!Object.hasOwn(entries, control.name)) continue;
    const value = entries[control.name];
    if (control instanceof HTMLInputElement && control.type === 'checkbox') {
      control.checked = Array.isArray(value) ? value.includes(control.value) : value === true;
    } else if (typeof value === 'string') {
      control.value = value;
    }
  }
}

/** Shows the fields the destination type uses (`data-types="sftp ftp"`) and disables the others. */
export function showDestinationType(form: HTMLFormElement, type: string): void {
  const select = form.elements.namedItem('destination.type');
  if (select instanceof HTMLSelectElement) select.value = type;
  for (const part of Array.from(form.querySelectorAll<HTMLElement>('[data-types]'))) {
    const used = (part.dataset.types ?? '').split(' ').includes(type);
    part.hidden = !used;
    for (const control of Array.from(part.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'))) {
      control.disabled = !used;
    }
  }
  const port = form.elements.namedItem('destination.port');
  if (port instanceof HTMLInputElement && (port.value === '' || Object.values(DEFAULT_PORTS).includes(port.value))) {
    port.value = DEFAULT_PORTS[type] ?? '';
  }
}

/** One row of `columnHeaders`: the field's name (suggestions from #exported-fields) and its label. */
function columnRow(index: number): HTMLLIElement {
  const field = (part: 'name' | 'label', label: string, hint: string) => {
    const path = `columnHeaders.${index}.${part}`;
    const id = `field-${path.replace(/\./g, '-')}`;
    return el(
      'div',
      { class: 'field', 'data-field': path },
      el('label', { for: id }, label, hiddenText(` of column ${index + 1}`)),
      el('input', {
        id,
        name: path,
        type: 'text',
        autocomplete: 'off',
        spellcheck: 'false',
        list: part === 'name' ? 'exported-fields' : undefined,
        'aria-describedby': `${id}-hint ${id}-error`,
      }),
      el('p', { class: 'hint', id: `${id}-hint` }, hint),
      el('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
    );
  };
  const button = (action: string, text: string) =>
    el(
      'button',
      { type: 'button', class: 'button-small', 'data-column-action': action },
      text,
      hiddenText(` column ${index + 1}`),
    );
  return el(
    'li',
    { class: 'column-row' },
    field('name', 'Field', 'e.g. email, action, system_properties.bt'),
    field('label', 'Label', 'the header in the file'),
    el(
      'div',
      { class: 'column-buttons' },
      button('up', 'Move up'),
      button('down', 'Move down'),
      button('remove', 'Remove'),
    ),
  );
}

function columnValues(form: HTMLFormElement): { name: string; label: string }[] {
  return Array.from(form.querySelectorAll<HTMLLIElement>('#column-rows > li')).map((row) => {
    const [name, label] = Array.from(row.querySelectorAll('input'));
    return { name: name.value, label: label.value };
  });
}

/** Rebuilds the column rows with these values (rows are numbered by position: `columnHeaders.<n>`). */
function setColumns(form: HTMLFormElement, values: { name: string; label: string }[]): void {
  const list = form.querySelector<HTMLOListElement>('#column-rows');
  if (!list) return;
  replaceChildren(list, ...values.map((_, index) => columnRow(index)));
  Array.from(list.children).forEach((row, index) => {
    const [name, label] = Array.from(row.querySelectorAll('input'));
    name.value = values[index].name;
    label.value = values[index].label;
  });
}

function setColumnRows(form: HTMLFormElement, count: number): void {
  setColumns(
    form,
    Array.from({ length: count }, () => ({ name: '', label: '' })),
  );
}

/** Adds an empty column row and puts the focus in it. */
export function addColumn(form: HTMLFormElement): void {
  setColumns(form, [...columnValues(form), { name: '', label: '' }]);
  const inputs = form.querySelectorAll<HTMLInputElement>('#column-rows > li:last-child input');
  inputs[0]?.focus();
}

/** Moves or removes the row of a clicked column button; the focus stays on the same button of the moved row. */
export function onColumnButton(form: HTMLFormElement, button: HTMLElement): void {
  const row = button.closest('li');
  const list = form.querySelector('#column-rows');
  if (!row || !list) return;
  const index = Array.from(list.children).indexOf(row);
  const values = columnValues(form);
  const action = button.dataset.columnAction;
  let focusAt = index;
  if (action === 'remove') {
    values.splice(index, 1);
    focusAt = Math.min(index, values.length - 1);
  } else {
    const to = action === 'up' ? index - 1 : index + 1;
    if (to < 0 || to >= values.length) return;
    [values[index], values[to]] = [values[to], values[index]];
    focusAt = to;
  }
  setColumns(form, values);
  const target =
    focusAt < 0
      ? form.querySelector<HTMLElement>('[data-form-action="add-column"]')
      : list.children[focusAt]?.querySelector<HTMLElement>(
          `[data-column-action="${action === 'remove' ? 'remove' : action}"]`,
        );
  target?.focus();
}

/** Removes every field error and the summary. */
export function clearFieldErrors(form: HTMLFormElement, summary: HTMLElement): void {
  for (const error of Array.from(form.querySelectorAll<HTMLElement>('.field-error'))) {
    error.hidden = true;
    error.replaceChildren();
  }
  for (const control of Array.from(form.querySelectorAll('[aria-invalid]'))) control.removeAttribute('aria-invalid');
  summary.hidden = true;
  summary.replaceChildren();
}

/**
 * Shows each reason beside its control (`aria-invalid`, and the error is part of the control's description), the
 * others and the answer's message in the summary, then moves the focus to the summary so it is read out.
 */
export function showFieldErrors(
  form: HTMLFormElement,
  summary: HTMLElement,
  message: string,
  fields: FieldError[],
): void {
  clearFieldErrors(form, summary);
  const wrappers = new Map<string, HTMLElement>();
  for (const wrapper of Array.from(form.querySelectorAll<HTMLElement>('[data-field]'))) {
    if (!wrapper.closest('[hidden]')) wrappers.set(wrapper.dataset.field ?? '', wrapper);
  }
  const placed = placeFieldErrors(fields, new Set(wrappers.keys()), ERROR_ALIASES);
  const items: HTMLLIElement[] = [];
  for (const [path, reasons] of placed.byControl) {
    const wrapper = wrappers.get(path)!;
    const slot = wrapper.querySelector<HTMLElement>('.field-error');
    if (slot) {
      replaceChildren(slot, ...reasons.map((reason) => el('span', { class: 'reason' }, reason)));
      slot.hidden = false;
    }
    for (const control of Array.from(wrapper.querySelectorAll('input, select, textarea'))) {
      if (!(control as Control).disabled) control.setAttribute('aria-invalid', 'true');
    }
    const first = wrapper.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled])');
    items.push(
      el(
        'li',
        {},
        el('button', { type: 'button', class: 'link-button', 'data-focus-control': first?.id ?? '' }, path),
        `: ${reasons.join('; ')}`,
      ),
    );
  }
  for (const error of placed.unplaced) items.push(el('li', {}, `${error.field}: ${error.reasons.join('; ')}`));
  replaceChildren(
    summary,
    el('h3', {}, 'The export was not started'),
    el('p', {}, message),
    items.length > 0 ? el('ul', {}, ...items) : null,
  );
  summary.hidden = false;
  summary.focus();
}
