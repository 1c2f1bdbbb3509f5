import { getMetadataStorage } from 'class-validator';
import { ContactActivityExportDto } from '../exports/dto/contact-activity-export.dto';
import { DESTINATION_CLASSES } from '../exports/dto/destination.dto';
import { JOB_STATUSES } from '../jobs/list-jobs.query';
import { controlId, escapeHtml, jobsPageHtml, PageOptions } from './page-html';

const options: PageOptions = {
  statuses: JOB_STATUSES,
  canCancel: false,
  examples: [{ key: 'internalCsv', summary: 'CSV <in> internal storage' }],
};
const html = jobsPageHtml(options, {
  script: '/jobs/jobs-page.js?v=1',
  style: '/jobs/jobs-page.css?v=1',
  icon: '/i.svg',
});

/** The tags of an element name, each with its attributes. */
function tags(name: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'g'))].map(([, attributes]) =>
    Object.fromEntries(
      [...attributes.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)].map(([, key, value]) => [key, value ?? '']),
    ),
  );
}

/** The properties a class validates (its fields as the API reads them). */
function fieldsOf(target: new () => unknown): string[] {
  const names = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .map((meta) => meta.propertyName);
  return [...new Set(names)];
}

describe('the Jobs page markup', () => {
  const exportForm = html.slice(
    html.indexOf('<form id="export-form"'),
    html.indexOf('</form>', html.indexOf('<form id="export-form"')),
  );
  const formControls = [...exportForm.matchAll(/<(?:input|select)\b[^>]*\bname="([^"]+)"/g)].map(([, name]) => name);
  const formFields = new Set(formControls.filter((name) => name !== 'timeZone'));

  it('has no inline script, style or event handler (the Content-Security-Policy allows none)', () => {
    expect(tags('script')).toEqual([{ src: '/jobs/jobs-page.js?v=1', defer: '' }]);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/javascript:/i);
  });

  it('labels every control, and every id is used once', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map(([, id]) => id);
    expect(ids.length).toBe(new Set(ids).size);
    const labelled = new Set(tags('label').map((label) => label.for));
    for (const control of [...tags('input'), ...tags('select')]) {
      expect({ control: control.id, labelled: labelled.has(control.id) }).toEqual({
        control: control.id,
        labelled: true,
      });
    }
  });

  it('describes each control by its hint and its error, which exist', () => {
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map(([, id]) => id));
    for (const control of [...tags('input'), ...tags('select'), ...tags('fieldset')]) {
      for (const id of (control['aria-describedby'] ?? '').split(' ').filter(Boolean)) expect(ids).toContain(id);
    }
  });

  it('has a control for every field of POST /v2/contactactivityexport and of every destination type', () => {
    const expected = [
      ...fieldsOf(ContactActivityExportDto).filter((field) => field !== 'destination' && field !== 'columnHeaders'),
      ...Object.values(DESTINATION_CLASSES).flatMap((type) => fieldsOf(type).map((field) => `destination.${field}`)),
    ];
    for (const field of expected) expect({ field, inForm: formFields.has(field) }).toEqual({ field, inForm: true });
    expect(exportForm).toContain('data-field="columnHeaders"');
  });

  it('has no control the API does not read', () => {
    const known = new Set([
      ...fieldsOf(ContactActivityExportDto),
      ...Object.values(DESTINATION_CLASSES).flatMap((type) => fieldsOf(type).map((field) => `destination.${field}`)),
    ]);
    for (const field of formFields) expect({ field, known: known.has(field) }).toEqual({ field, known: true });
  });

  it('shows each destination field for exactly the types that have it', () => {
    for (const wrapper of tags('div').filter(
      (div) => div['data-field']?.startsWith('destination.') && div['data-types'],
    )) {
      const field = wrapper['data-field'].slice('destination.'.length);
      const types = Object.entries(DESTINATION_CLASSES)
        .filter(([, type]) => fieldsOf(type).includes(field))
        .map(([name]) => name)
        .sort();
      expect({ field, types: wrapper['data-types'].split(' ').sort() }).toEqual({ field, types });
    }
  });

  it('wraps every control in the data-field of its API path, with an error slot for the API’s reasons', () => {
    for (const path of formFields) {
      const id = controlId(path);
      expect(html).toContain(`data-field="${path}"`);
      expect(html).toContain(`id="${id.startsWith('field-selected_action_names') ? controlId(path) : id}-error"`);
    }
  });

  it('offers the statuses of GET /v2/jobs as filters, and Cancel only when the gateway can cancel', () => {
    for (const status of JOB_STATUSES) expect(html).toContain(`<option value="${status}">${status}</option>`);
    expect(html).toContain('data-cancel="off"');
    expect(jobsPageHtml({ ...options, canCancel: true }, { script: '', style: '', icon: '' })).toContain(
      'data-cancel="on"',
    );
  });

  it('escapes what it writes', () => {
    expect(html).toContain('CSV &lt;in&gt; internal storage');
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('keeps the key out of every form submission: its input has no name, and forms are never sent', () => {
    expect(tags('input').find((input) => input.id === 'api-key')).not.toHaveProperty('name');
    expect(tags('input').find((input) => input.id === 'api-key')).toMatchObject({
      type: 'password',
      autocomplete: 'off',
    });
  });
});
