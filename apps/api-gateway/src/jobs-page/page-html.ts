import { EXPORTED_FIELDS, FIELD_ALIASES, NESTED_FIELDS } from '@cae/formats';
import {
  DESTINATION_TYPES,
  EXPORT_TYPES,
  MAX_RECORDS_PER_FILE,
  MESSAGE_TYPES,
  SELECTABLE_ACTIONS,
} from '../exports/dto/export-options';
import { JOB_COLUMNS } from './client/jobs-table';

/*
 * The markup of the Jobs page, built once when the gateway starts. Its choices (statuses, actions, export types,
 * destination types, fields) come from the API's own lists, so the form cannot drift from what the API accepts.
 * Every control of the export form is named by the API path of its field and sits in `[data-field=<path>]` with its
 * `.field-error`: the API's VALIDATION_FAILED `fields` land beside it (client/export-form.ts). No inline script,
 * style or event handler: the Content-Security-Policy allows none.
 */

export interface PageOptions {
  /** The statuses `GET /v2/jobs?status=` accepts. */
  statuses: readonly string[];
  /** The gateway has `DELETE /v2/jobs/{jobId}`: running jobs get a Cancel button. */
  canCancel: boolean;
  /** The reference's example requests (key and summary), for "Start from an example". */
  examples: readonly { key: string; summary: string }[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute value. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

/** The id of the control of an API path: `destination.port` → `field-destination-port`. */
export function controlId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

interface FieldOptions {
  label: string;
  hint?: string;
  /** Destination types that use the field (shown only for them). */
  types?: readonly string[];
}

function wrapper(path: string, options: FieldOptions, control: string, className = 'field'): string {
  const id = controlId(path);
  const types = options.types ? ` data-types="${escapeHtml(options.types.join(' '))}"` : '';
  const hint = options.hint ? `<p class="hint" id="${id}-hint">${options.hint}</p>` : '';
  return `<div class="${className}" data-field="${escapeHtml(path)}"${types}>${control}${hint}<p class="field-error" id="${id}-error" hidden></p></div>`;
}

function describedBy(path: string, options: FieldOptions): string {
  const id = controlId(path);
  return options.hint ? `${id}-hint ${id}-error` : `${id}-error`;
}

function textField(
  path: string,
  options: FieldOptions & { type?: string; inputmode?: string; autocomplete?: string; placeholder?: string },
): string {
  const id = controlId(path);
  const attributes = [
    `id="${id}"`,
    `name="${escapeHtml(path)}"`,
    `type="${options.type ?? 'text'}"`,
    `autocomplete="${options.autocomplete ?? 'off'}"`,
    'spellcheck="false"',
    options.inputmode ? `inputmode="${options.inputmode}"` : '',
    options.placeholder ? `placeholder="${escapeHtml(options.placeholder)}"` : '',
    options.type === 'datetime-local' ? 'step="0.001"' : '',
    `aria-describedby="${describedBy(path, options)}"`,
  ].filter(Boolean);
  return wrapper(
    path,
    options,
    `<label for="${id}">${escapeHtml(options.label)}</label><input ${attributes.join(' ')}>`,
  );
}

function selectField(
  path: string,
  options: FieldOptions & { choices: readonly (readonly [string, string])[] },
): string {
  const id = controlId(path);
  const choices = options.choices
    .map(([value, text]) => `<option value="${escapeHtml(value)}">${escapeHtml(text)}</option>`)
    .join('');
  return wrapper(
    path,
    options,
    `<label for="${id}">${escapeHtml(options.label)}</label><select id="${id}" name="${escapeHtml(path)}" aria-describedby="${describedBy(path, options)}">${choices}</select>`,
  );
}

function checkField(path: string, options: FieldOptions & { checked?: boolean }): string {
  const id = controlId(path);
  return wrapper(
    path,
    options,
    `<div class="check"><input type="checkbox" id="${id}" name="${escapeHtml(path)}"${options.checked ? ' checked' : ''} aria-describedby="${describedBy(path, options)}"><label for="${id}">${escapeHtml(options.label)}</label></div>`,
  );
}

const DESTINATION_LABELS: Record<string, string> = {
  aws: 'Internal storage (aws): download the files here for 30 days',
  sftp: 'SFTP server (sftp)',
  ftp: 'FTP server (ftp)',
  s3: 'Amazon S3 bucket (s3)',
  gcs: 'Google Cloud Storage bucket (gcs)',
};

function actionChecks(): string {
  const checks = SELECTABLE_ACTIONS.map((action) => {
    const id = `${controlId('selected_action_names')}-${action}`;
    return `<div class="check"><input type="checkbox" id="${id}" name="selected_action_names" value="${escapeHtml(action)}" data-list><label for="${id}">${escapeHtml(action)}</label></div>`;
  }).join('');
  const id = controlId('selected_action_names');
  return `<fieldset data-field="selected_action_names" aria-describedby="${id}-hint ${id}-error"><legend>Actions (<code>selected_action_names</code>)</legend><div class="actions-list">${checks}</div><p class="hint" id="${id}-hint">Any number; with the single action above too, the union of both. None and no single action: every action. <code>custom</code>: every action that is not one of the six standard ones.</p><p class="field-error" id="${id}-error" hidden></p></fieldset>`;
}

function fileFieldset(): string {
  return `<fieldset><legend>File</legend><div class="grid">
${textField('name', { label: 'Name (name)', hint: 'Letters, digits, - and _ (1-128). Empty: <code>export-</code> and the start of the job id.' })}
${selectField('exportType', { label: 'Format (exportType)', choices: EXPORT_TYPES.map((type) => [type, type.toUpperCase()] as const), hint: 'JSON: one object per line.' })}
${textField('limitRecordsPerFile', { label: 'Records per file (limitRecordsPerFile)', inputmode: 'numeric', hint: `1 to ${MAX_RECORDS_PER_FILE.toLocaleString('en-US')}. Empty: one file.` })}
</div>
${checkField('showHeader', { label: 'Header row with the column labels (showHeader, CSV)', checked: true })}
${checkField('compress', { label: 'Compress with gzip, .gz names (compress)' })}
${checkField('escapeFormulas', { label: 'Escape cells a spreadsheet would run as formulas (escapeFormulas, CSV)' })}
${checkField('showAllProperties', { label: 'A column for every system property found (showAllProperties)' })}
</fieldset>`;
}

function activitiesFieldset(): string {
  const actions: [string, string][] = [
    ['', 'any (or the list below)'],
    ...SELECTABLE_ACTIONS.map((a): [string, string] => [a, a]),
  ];
  const messageTypes: [string, string][] = [['', 'any'], ...MESSAGE_TYPES.map((t): [string, string] => [t, t])];
  return `<fieldset><legend>Which activities</legend><div class="grid">
${selectField('timeZone', {
  label: 'Times below are in',
  choices: [
    ['UTC', 'UTC'],
    ['local', 'this browser’s time zone'],
  ],
  hint: 'Sent with their offset; both bounds are inclusive, to the millisecond.',
})}
${textField('selected_timeframe_start', { label: 'From (selected_timeframe_start)', type: 'datetime-local', hint: 'Empty: from the first activity.' })}
${textField('selected_timeframe_end', { label: 'To (selected_timeframe_end)', type: 'datetime-local', hint: 'Empty: up to the last activity. All of a day: 23:59:59.999.' })}
${selectField('selected_action_name', { label: 'One action (selected_action_name)', choices: actions })}
${selectField('selected_message_type', { label: 'Message type (selected_message_type)', choices: messageTypes, hint: 'batch: activities with a bmID; automation: with an mdtID.' })}
${textField('selected_message_id', { label: 'Message id (selected_message_id)', hint: 'A bmID or mdtID.' })}
${textField('selected_contact', { label: 'Contact (selected_contact)', hint: 'A cID, email or secondary identifier.' })}
${textField('selected_audience_key', { label: 'Audience (selected_audience_key)', hint: 'The key of a saved audience.' })}
</div>
${actionChecks()}
</fieldset>`;
}

function columnsFieldset(): string {
  const id = controlId('columnHeaders');
  const fields = [...EXPORTED_FIELDS, ...Object.keys(FIELD_ALIASES), ...NESTED_FIELDS.map((field) => `${field}.`)];
  const options = fields.map((field) => `<option value="${escapeHtml(field)}"></option>`).join('');
  return `<fieldset data-field="columnHeaders" aria-describedby="${id}-hint ${id}-error"><legend>Columns (columnHeaders)</legend>
<p class="hint" id="${id}-hint">None: the default columns. Each row is a field (<code>email</code>, <code>system_properties.bt</code>, ...) and its label in the file, in this order.</p>
<p class="field-error" id="${id}-error" hidden></p>
<datalist id="exported-fields">${options}</datalist>
<ol id="column-rows" class="column-rows"></ol>
<button type="button" class="secondary" data-form-action="add-column">Add a column</button>
</fieldset>`;
}

function destinationFieldset(): string {
  const servers = ['sftp', 'ftp'] as const;
  return `<fieldset><legend>Destination (destination)</legend>
${selectField('destination.type', { label: 'Where the files go (type)', choices: DESTINATION_TYPES.map((type) => [type, DESTINATION_LABELS[type] ?? type] as const) })}
<div class="grid">
${textField('destination.server', { label: 'Server (server)', types: servers, hint: 'Host name or IP address, no scheme or port.' })}
${textField('destination.port', { label: 'Port (port)', types: servers, inputmode: 'numeric' })}
${textField('destination.username', { label: 'User name (username)', types: servers })}
${textField('destination.password', { label: 'Password (password)', types: servers, type: 'password', autocomplete: 'new-password', hint: 'Sealed at rest; never shown again.' })}
${textField('destination.hostKeyFingerprint', { label: 'Host key fingerprint (hostKeyFingerprint)', types: ['sftp'], placeholder: 'SHA256:…', hint: 'As <code>ssh-keygen -l</code> prints it. Empty: the first key seen is pinned.' })}
${textField('destination.aws_access_key_id', { label: 'Access key id (aws_access_key_id)', types: ['s3'] })}
${textField('destination.aws_secret_access_key', { label: 'Secret access key (aws_secret_access_key)', types: ['s3'], type: 'password', autocomplete: 'new-password' })}
${textField('destination.aws_bucket', { label: 'Bucket (aws_bucket)', types: ['s3'] })}
${textField('destination.aws_region', { label: 'Region (aws_region)', types: ['s3'], placeholder: 'us-west-2' })}
${textField('destination.gcs_bucket', { label: 'Bucket (gcs_bucket)', types: ['gcs'], hint: 'Registered by this account first (<code>POST /v2/destinations/gcs-buckets</code>).' })}
${textField('destination.path', { label: 'Path (path)', types: ['sftp', 'ftp', 's3', 'gcs'], hint: 'SFTP, FTP, GCS: the folder (<code>./</code> is the login folder). S3: the folder, or folder and file name (<code>/folder/export.csv</code>).' })}
</div>
${checkField('destination.requireTls', { label: 'Refuse to log in without TLS (requireTls)', types: ['ftp'] })}
</fieldset>`;
}

function endFieldset(): string {
  return `<fieldset><legend>When it ends</legend><div class="grid">
${textField('confirmEmail', { label: 'Notify this address (confirmEmail)', type: 'email', autocomplete: 'email', hint: 'Job, status, records, files and links.' })}
${textField('callbackUrl', { label: 'Call this URL (callbackUrl)', type: 'url', hint: 'https only; receives the job’s final state, signed.' })}
</div>
${checkField('dryRun', { label: 'Dry run: count the records and files, start nothing (dryRun)' })}
</fieldset>`;
}

function exportForm(options: PageOptions): string {
  const examples = options.examples
    .map(({ key, summary }) => `<option value="${escapeHtml(key)}">${escapeHtml(summary)}</option>`)
    .join('');
  return `<section aria-labelledby="new-export-heading">
<h2 id="new-export-heading">New export</h2>
<div class="example-bar field"><label for="example-select">Start from an example of the API reference</label>
<select id="example-select">${examples}</select> <button type="button" class="secondary" id="example-fill">Fill in the form</button></div>
<form id="export-form" method="post" action="/jobs" novalidate aria-describedby="new-export-hint">
<p class="hint" id="new-export-hint">Every field of <code>POST /v2/contactactivityexport</code>; empty fields are left out. The API checks the request and its reasons appear beside the fields.</p>
<div id="form-errors" class="form-errors" tabindex="-1" hidden></div>
${fileFieldset()}
${activitiesFieldset()}
${columnsFieldset()}
${destinationFieldset()}
${endFieldset()}
<div class="form-buttons"><button type="submit" id="export-submit">Start the export</button><button type="button" class="secondary" id="export-clear">Clear the form</button></div>
</form>
</section>`;
}

function jobsSection(options: PageOptions): string {
  const statuses = [['', 'any'], ...options.statuses.map((status) => [status, status])]
    .map(([value, text]) => `<option value="${escapeHtml(value)}">${escapeHtml(text)}</option>`)
    .join('');
  const sizes = [10, 20, 50, 100].map((size) => `<option${size === 20 ? ' selected' : ''}>${size}</option>`).join('');
  const headers = JOB_COLUMNS.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('');
  return `<section aria-labelledby="jobs-heading">
<h2 id="jobs-heading" tabindex="-1">Exports</h2>
<form id="filters-form" class="filters" method="get" action="/jobs" novalidate>
<div class="field" data-field="status"><label for="filter-status">Status</label><select id="filter-status" name="status" aria-describedby="filter-status-error">${statuses}</select><p class="field-error" id="filter-status-error" hidden></p></div>
<div class="field" data-field="name"><label for="filter-name">Name (exact)</label><input id="filter-name" name="name" type="text" autocomplete="off" spellcheck="false" aria-describedby="filter-name-error"><p class="field-error" id="filter-name-error" hidden></p></div>
<div class="field" data-field="limit"><label for="filter-limit">Per page</label><select id="filter-limit" name="limit" aria-describedby="filter-limit-error">${sizes}</select><p class="field-error" id="filter-limit-error" hidden></p></div>
<button type="submit">Apply filters</button><button type="button" class="secondary" id="filters-clear">Clear filters</button>
</form>
<div class="table-bar"><button type="button" class="secondary" id="refresh">Refresh</button><span id="last-updated"></span></div>
<div class="table-scroll" role="region" aria-labelledby="jobs-caption" tabindex="0">
<table id="jobs-table" tabindex="-1"><caption id="jobs-caption">The account’s exports, newest first; times in this browser’s time zone.</caption>
<thead><tr>${headers}</tr></thead><tbody></tbody></table>
</div>
<nav class="pager" aria-label="Pages of exports"><button type="button" class="secondary" id="pager-previous" disabled>Previous page</button><span id="page-number">Page 1</span><button type="button" class="secondary" id="pager-next" disabled>Next page</button></nav>
</section>`;
}

/** The page. Assets are named by a hash of their content (`?v=`), so a new gateway version is never mixed with old ones. */
export function jobsPageHtml(options: PageOptions, assets: { script: string; style: string; icon: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Jobs · Contact activity export</title>
<link rel="icon" href="${escapeHtml(assets.icon)}" type="image/svg+xml">
<link rel="stylesheet" href="${escapeHtml(assets.style)}">
<script src="${escapeHtml(assets.script)}" defer></script>
</head>
<body data-cancel="${options.canCancel ? 'on' : 'off'}">
<a class="skip-link" href="#main">Skip to the content</a>
<header class="page-header"><h1>Jobs</h1><p>Contact activity exports of your account: follow them, download their files, start new ones. <a href="/docs">API documentation</a></p></header>
<main id="main">
<p id="status-line" class="status-line" role="status" aria-live="polite"></p>
<section id="signed-out" class="sign-in" aria-labelledby="sign-in-heading">
<h2 id="sign-in-heading">Sign in</h2>
<form id="sign-in-form" method="post" action="/jobs" autocomplete="off" novalidate>
<div class="field"><label for="api-key">API key</label><input id="api-key" type="password" autocomplete="off" spellcheck="false" aria-describedby="api-key-hint sign-in-error"><p class="hint" id="api-key-hint">The key is kept in this tab only and sent only in the Authorization header, never in a link.</p><p class="field-error" id="sign-in-error" role="alert" hidden></p></div>
<div class="check"><input type="checkbox" id="remember-key"><label for="remember-key">Keep the key until this tab closes (otherwise a reload asks for it again)</label></div>
<button type="submit">Sign in</button>
</form>
<noscript><p class="alert">The Jobs page needs JavaScript. The API works without it: <a href="/docs">API documentation</a>.</p></noscript>
</section>
<div id="signed-in" hidden>
<div class="session-bar"><p>Signed in with an API key.</p><button type="button" class="secondary" id="sign-out">Sign out</button></div>
<p id="alert-line" class="alert" role="alert" hidden></p>
${jobsSection(options)}
${exportForm(options)}
</div>
</main>
</body>
</html>
`;
}
