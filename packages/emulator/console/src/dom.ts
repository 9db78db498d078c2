/** A tiny DOM builder: the console's pages are plain functions that return elements. */

export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Handler = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler>;

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const inner of child as readonly Child[]) append(parent, inner);
    return;
  }
  parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}

function isAttrs(value: unknown): value is Attrs {
  return typeof value === 'object' && value !== null && !(value instanceof Node) && !Array.isArray(value);
}

/**
 * `h('a', { href: '/console/courses', class: 'nav' }, 'Courses')`. `on<event>` attributes become
 * listeners; `true` sets a boolean attribute, `false`/null/undefined leave it out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | Child, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (isAttrs(attrs)) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
      else if (name === 'value' && 'value' in el) (el as unknown as HTMLInputElement).value = String(value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
  } else append(el, attrs);
  for (const child of children) append(el, child);
  return el;
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  for (const child of children) append(el, child);
}

/** A coloured label: `badge('ARCHIVED', 'muted')`. */
export function badge(text: string, tone: 'ok' | 'warn' | 'bad' | 'muted' | 'info' = 'muted', title?: string): HTMLElement {
  return h('span', { class: `badge ${tone}`, title }, text);
}

/** The tone of an HTTP status. */
export function statusTone(status: number): 'ok' | 'warn' | 'bad' | 'info' {
  if (status === 0 || status >= 500) return 'bad';
  if (status >= 400) return 'warn';
  if (status >= 300) return 'info';
  return 'ok';
}

/** The tone of a course or user state. */
export function stateTone(state: string | null | undefined): 'ok' | 'warn' | 'bad' | 'muted' | 'info' {
  switch (state) {
    case 'ACTIVE':
    case 'TURNED_IN':
    case 'RETURNED':
    case 'PUBLISHED':
      return 'ok';
    case 'PROVISIONED':
    case 'CREATED':
    case 'NEW':
    case 'DRAFT':
      return 'info';
    case 'SUSPENDED':
    case 'DECLINED':
    case 'DELETED':
      return 'bad';
    default:
      return 'muted';
  }
}

/** A table with a header row; rows are arrays of cells. */
export function table(head: readonly string[], rows: readonly (readonly Child[])[], options: { empty?: string; caption?: string; className?: string } = {}): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, options.empty ?? 'Nothing here yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: options.className },
      options.caption ? h('caption', options.caption) : null,
      h('thead', h('tr', head.map((label) => h('th', { scope: 'col' }, label)))),
      // data-label lets a narrow window show each row as a card of labelled cells (style.css).
      h('tbody', rows.map((cells) => h('tr', cells.map((cell, i) => h('td', { 'data-label': head[i] ?? '' }, h('div', { class: 'cell' }, cell)))))),
    ),
  );
}

/** A meter of `used` against `limit`, coloured as it fills. */
export function meter(used: number, limit: number, label?: string): HTMLElement {
  const ratio = limit > 0 ? Math.min(1, used / limit) : used > 0 ? 1 : 0;
  const tone = ratio >= 1 ? 'bad' : ratio >= 0.8 ? 'warn' : 'ok';
  const bar = h('span', { class: `meter-fill ${tone}` });
  bar.style.setProperty('width', `${Math.round(ratio * 1000) / 10}%`);
  return h(
    'span',
    { class: 'meter', title: `${used} of ${limit}`, role: 'meter', 'aria-valuenow': used, 'aria-valuemin': 0, 'aria-valuemax': limit, 'aria-label': label ?? 'usage' },
    h('span', { class: 'meter-track' }, bar),
    h('span', { class: 'meter-text' }, `${used.toLocaleString('en')} / ${limit.toLocaleString('en')}`),
  );
}

/** `2026-12-04T17:03:11.123Z` → `17:03:11.123` (today) or `Dec 4, 17:03` (other days). */
export function shortTime(iso: string | null | undefined, withMs = false): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = at.toISOString().slice(11, withMs ? 23 : 19);
  return withMs ? time : `${at.toISOString().slice(0, 10)} ${time.slice(0, 5)}`;
}

/** A section with a heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', title), ...children);
}

/** A console link (handled by the router without a reload). */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href }, ...children);
}

/** Pretty-prints JSON text; other text as it is. */
export function prettyJson(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
