/// <reference lib="dom" />
/*
 * Building the page's elements. Every text is set with `textContent` and every attribute with `setAttribute`:
 * job names, error messages, file locations and requests are tenant input, and nothing here ever parses a string
 * as HTML (the page's Content-Security-Policy also requires Trusted Types, so `innerHTML` with a string throws).
 */

type Child = Node | string | null | undefined | false;

/** `<tag attr=...>children</tag>`; strings become text nodes, null/false children are skipped. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | null | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces everything inside `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element of that id; the page's markup is fixed, so a missing one is a bug worth a clear error. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the Jobs page has no #${id}`);
  return element as T;
}

/** A text only screen readers read (the visible label is elsewhere, e.g. a file name beside "Download"). */
export function hiddenText(text: string): HTMLSpanElement {
  return el('span', { class: 'visually-hidden' }, text);
}
