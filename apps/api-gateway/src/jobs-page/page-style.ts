/*
 * The Jobs page's style sheet (served as /jobs/jobs-page.css; the Content-Security-Policy allows no inline style).
 * Colours meet WCAG AA: body text #1b1b1b on white is 17:1, links and focus #0b57d0 7:1, errors #b3261e 6.5:1,
 * every status badge at least 4.5:1 against its background.
 */
export const PAGE_STYLE = `
:root {
  color-scheme: light;
  --text: #1b1b1b;
  --muted: #4a4a4a;
  --border: #8a8a8a;
  --line: #d0d0d0;
  --accent: #0b57d0;
  --accent-dark: #083f99;
  --error: #b3261e;
  --surface: #f4f6f8;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif;
  font-size: 16px;
  line-height: 1.45;
  color: var(--text);
  background: #fff;
}
* { box-sizing: border-box; }
body { margin: 0; }
header.page-header { background: var(--surface); border-bottom: 1px solid var(--line); padding: 0.75rem 1.5rem; }
header.page-header h1 { margin: 0; font-size: 1.5rem; }
header.page-header p { margin: 0.25rem 0 0; color: var(--muted); }
main { padding: 1rem 1.5rem 3rem; max-width: 120rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 0.75rem; }
h3 { font-size: 1.05rem; margin: 0 0 0.5rem; }
a { color: var(--accent); }
code, pre, .job-id { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.85rem; }
.skip-link { position: absolute; left: -999rem; }
.skip-link:focus { left: 1rem; top: 0.5rem; background: #fff; padding: 0.5rem; z-index: 10; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
/* Headings and the table take the focus only so that screen readers read them next; they are not controls. */
h2[tabindex="-1"]:focus, table[tabindex="-1"]:focus { outline: none; }
[hidden] { display: none !important; }

button {
  font: inherit; color: #fff; background: var(--accent); border: 2px solid var(--accent); border-radius: 4px;
  padding: 0.35rem 0.9rem; cursor: pointer;
}
button:hover { background: var(--accent-dark); border-color: var(--accent-dark); }
button.secondary, .button-small {
  color: var(--accent); background: #fff;
}
button.secondary:hover, .button-small:hover { background: #e8f0fe; }
button:disabled { color: #5f5f5f; background: #ececec; border-color: #9a9a9a; cursor: not-allowed; }
.button-small { padding: 0.1rem 0.5rem; font-size: 0.875rem; }
.link-button { color: var(--accent); background: none; border: none; padding: 0; text-decoration: underline; }
.link-button:hover { background: none; color: var(--accent-dark); }

form { margin: 0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: 0.75rem 1rem 0.25rem; }
legend { font-weight: 600; padding: 0 0.25rem; }
.field { margin: 0 0 0.75rem; }
.field > label, .field-label { display: block; font-weight: 600; margin-bottom: 0.15rem; }
.check { display: flex; gap: 0.5rem; align-items: flex-start; margin: 0 0 0.6rem; }
.check input { margin-top: 0.3rem; }
.check label { font-weight: 400; }
.hint { margin: 0.15rem 0 0; color: var(--muted); font-size: 0.875rem; }
input[type="text"], input[type="password"], input[type="email"], input[type="url"], input[type="datetime-local"],
select {
  font: inherit; color: var(--text); background: #fff; border: 1px solid var(--border); border-radius: 4px;
  padding: 0.3rem 0.45rem; min-width: 14rem; max-width: 100%;
}
input[aria-invalid="true"], select[aria-invalid="true"] { border: 2px solid var(--error); }
.field-error { color: var(--error); font-weight: 600; margin: 0.2rem 0 0; }
.field-error .reason { display: block; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 0 1.25rem; }
.actions-list { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; }

.sign-in { max-width: 36rem; }
.session-bar { display: flex; gap: 1rem; align-items: center; }
.session-bar p { margin: 0; }
.alert { border-left: 4px solid var(--error); background: #fdecea; color: #5f1410; padding: 0.5rem 0.75rem; }
.status-line { min-height: 1.5rem; color: var(--muted); }
.form-errors { border: 2px solid var(--error); border-radius: 6px; padding: 0.75rem 1rem; margin: 0 0 1rem; }
.form-errors h3 { color: var(--error); }

.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: flex-end; }
.filters .field { margin: 0; }
.filters input, .filters select { min-width: 10rem; }
.table-bar { display: flex; gap: 1rem; align-items: center; margin: 0.75rem 0 0.5rem; color: var(--muted); }
.table-scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.925rem; }
caption { text-align: left; padding: 0.5rem 0.75rem; color: var(--muted); }
th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.6rem; border-top: 1px solid var(--line); }
thead th { background: var(--surface); border-top: none; white-space: nowrap; }
tbody th { font-weight: 400; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
time { white-space: nowrap; }
.name-cell { min-width: 10rem; }
.job-name { display: block; font-weight: 600; overflow-wrap: anywhere; }
.job-id { display: block; color: var(--muted); font-size: 0.75rem; }
td.times dl { display: grid; grid-template-columns: auto auto; gap: 0 0.5rem; margin: 0; }
td.times dt { color: var(--muted); }
td.times dd { margin: 0; }
.error-cell { min-width: 11rem; }
.files-cell { min-width: 12rem; }
.job-request summary { cursor: pointer; color: var(--accent); }
.job-request pre { max-width: 32rem; max-height: 18rem; overflow: auto; background: var(--surface); padding: 0.5rem; }
.status { display: inline-block; border-radius: 999px; padding: 0 0.55rem; font-weight: 600; white-space: nowrap; }
.status-pending { background: #ececec; color: #333; }
.status-processing, .status-cancelling { background: #e8f0fe; color: #083f99; }
.status-done { background: #e6f4ea; color: #0d5323; }
.status-failed { background: #fdecea; color: #8c1d18; }
.status-cancelled { background: #fff4e5; color: #6b3a00; }
.progress-cell { min-width: 9rem; }
progress { display: block; width: 8.5rem; height: 0.9rem; accent-color: var(--accent); }
.progress-text, .file-facts, .file-location { display: block; color: var(--muted); font-size: 0.85rem; }
.error-cell code { color: var(--error); font-weight: 600; }
.job-error-message { margin: 0.2rem 0 0; max-width: 20rem; overflow-wrap: anywhere; }
ul.files { list-style: none; margin: 0; padding: 0; }
ul.files li { margin-bottom: 0.35rem; }
.file-name { overflow-wrap: anywhere; }
.file-expired { color: var(--muted); font-style: italic; }
td.actions { white-space: nowrap; }
td.actions button { display: block; margin-bottom: 0.3rem; }
.table-message { color: var(--muted); text-align: center; padding: 1.25rem; }
.pager { display: flex; gap: 1rem; align-items: center; margin: 0.75rem 0; }

ol.column-rows { margin: 0 0 0.75rem; padding-left: 1.5rem; }
.column-row { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-start; border-bottom: 1px solid var(--line); padding-top: 0.5rem; }
.column-buttons { display: flex; gap: 0.35rem; align-self: center; }
.form-buttons { display: flex; gap: 1rem; margin-top: 0.5rem; }
`;
