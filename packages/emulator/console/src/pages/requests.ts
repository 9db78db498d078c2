import type { AdminRequestDetail } from '../../../src/admin/client.js';
import type { RequestRecord } from '../../../src/platform/request-log.js';
import { act, admin, messageOf } from '../api.js';
import { badge, fill, h, prettyJson, section, shortTime, statusTone } from '../dom.js';
import type { Page } from '../main.js';

const LANGS: [string, string][] = [
  ['en', 'English'],
  ['ja', '日本語'],
  ['de', 'Deutsch'],
  ['ru', 'Русский'],
  ['it', 'Italiano'],
];
const KEEP = 2000;
const RESOLVERS: Record<string, string> = {
  app: 'the app (another API call or a code change)',
  user: 'the user, in Classroom',
  admin: 'a Workspace administrator',
  developer: 'the developer (scopes, grants, quota)',
  time: 'nobody: it passes with time',
  google: 'Google',
};
const RETRY: Record<string, string> = {
  never: 'never retry the same request: it fails until someone changes something',
  backoff: 'retry with exponential backoff and jitter',
  'after-window': 'retry only after the window has passed',
};

interface Filters {
  method: string;
  status: string;
  code: string;
  testId: string;
}

function matches(r: RequestRecord, f: Filters): boolean {
  if (f.method && !(r.method ?? `${r.verb} ${r.path}`).toLowerCase().includes(f.method.toLowerCase())) return false;
  if (f.status) {
    const cls = /^([1-5])xx$/i.exec(f.status);
    if (cls ? Math.floor(r.status / 100) !== Number(cls[1]) : String(r.status) !== f.status) return false;
  }
  if (f.code && !(r.code ?? '').toLowerCase().includes(f.code.toLowerCase())) return false;
  if (f.testId && r.testId !== f.testId) return false;
  return true;
}

function body(title: string, text: string | undefined, type?: string): HTMLElement {
  return h('div', { class: 'body-block' }, h('h3', title, type ? h('span', { class: 'sub' }, ` ${type.split(';')[0]}`) : null), text ? h('pre', { tabindex: '0' }, prettyJson(text)) : h('p', { class: 'muted' }, 'empty'));
}

function detailView(detail: AdminRequestDetail): HTMLElement {
  const r = detail.request;
  const e = detail.error;
  const facts: [string, string | Node][] = [
    ['time', r.time],
    ['caller', r.user ?? 'unauthenticated'],
    ['Cloud project', r.project ?? '—'],
    ['HTTP', `${r.verb} ${r.path}${detail.bodies?.query ? `?${detail.bodies.query}` : ''}`],
    ['latency', `${r.latencyMs} ms`],
  ];
  if (r.testId) facts.push(['test id', h('code', r.testId)]);
  if (r.fault) facts.push(['injected fault', badge(r.fault, 'warn')]);
  return h(
    'div',
    { class: 'detail', 'data-request': r.id },
    h('h2', h('span', r.method ?? `${r.verb} ${r.path}`), ' ', badge(String(r.status || 'dropped'), statusTone(r.status)), r.code ? [' ', h('code', { class: 'code' }, r.code)] : null),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', k), h('dd', v)])),
    e
      ? h(
          'div',
          { class: `explain ${e.decision.action}`, lang: e.explanation.lang },
          h('h3', e.explanation.title),
          h('p', h('strong', 'Cause: '), e.explanation.cause),
          h('p', h('strong', 'What to do: '), e.explanation.action),
          h(
            'dl',
            { class: 'facts', lang: 'en' },
            h('dt', 'resolved by'),
            h('dd', e.resolvedBy.map((x) => RESOLVERS[x] ?? x).join('; or ')),
            h('dt', 'retry'),
            h('dd', RETRY[e.retry] ?? e.retry, e.waitSeconds ? ` (${Math.round(e.waitSeconds / 3600)} h)` : ''),
            h('dt', 'decide()'),
            h('dd', badge(e.decision.action, e.decision.action === 'retry' || e.decision.action === 'wait' ? 'info' : e.decision.action === 'report' ? 'bad' : 'warn'), ' ', e.decision.why),
            e.fix ? [h('dt', 'fix'), h('dd', h('code', e.fix.method), e.fix.body ? h('code', ` ${JSON.stringify(e.fix.body)}`) : null)] : null,
            h('dt', 'message'),
            h('dd', e.message),
            h('dt', 'catalog'),
            h('dd', `${e.httpStatus} ${e.status}${e.inSpecification ? ' · in the Request Errors reference' : ''}${e.known ? '' : ' · unknown code'}`),
          ),
        )
      : null,
    body('Request body', detail.bodies?.request),
    body('Response body', detail.bodies?.response, detail.bodies?.responseType),
    detail.bodies?.truncated ? h('p', { class: 'muted' }, 'Bodies were cut at 32 KiB.') : null,
    detail.bodies ? null : h('p', { class: 'muted' }, 'Bodies are kept for the newest 300 requests; this one has none left.'),
  );
}

/** The request log, live, with filters and each request's bodies and error explained. */
export const requestsPage: Page = async ({ params, query, signal, setQuery }) => {
  const initial = await admin.requests({ limit: KEEP });
  const records: RequestRecord[] = [...initial.requests];
  const seen = new Set(records.map((r) => r.id));
  let selected = params.id;
  let lang = query.get('lang') ?? localStorage.getItem('console.lang') ?? 'en';

  const input = (name: keyof Filters, placeholder: string, list?: string) =>
    h('input', { type: 'search', name, placeholder, 'aria-label': placeholder, value: query.get(name) ?? '', list, class: `filter-${name}` });
  const methodInput = input('method', 'method', 'methods');
  const statusInput = input('status', 'status (400, 5xx)');
  const codeInput = input('code', 'error code', 'codes');
  const testIdInput = input('testId', 'test id');
  const langSelect = h('select', { 'aria-label': 'Explanation language', name: 'lang' }, LANGS.map(([v, label]) => h('option', { value: v, selected: v === lang }, label)));
  const live = h('span', { class: 'live connecting', role: 'status' }, 'connecting…');
  const count = h('span', { class: 'muted' });
  const tbody = h('tbody');
  const detail = h('div', { class: 'detail-pane', 'aria-live': 'polite' });
  const methods = h('datalist', { id: 'methods' });
  const codes = h('datalist', { id: 'codes' });

  const filters = (): Filters => ({ method: methodInput.value.trim(), status: statusInput.value.trim(), code: codeInput.value.trim(), testId: testIdInput.value.trim() });
  const syncUrl = () => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters())) if (v) q.set(k, v);
    if (lang !== 'en') q.set('lang', lang);
    setQuery(q, selected ? `/console/requests/${selected}` : '/console/requests');
  };

  const row = (r: RequestRecord, fresh: boolean) => {
    const tr = h(
      'tr',
      { tabindex: '0', 'data-id': r.id, class: `${fresh ? 'fresh ' : ''}${r.id === selected ? 'selected' : ''}`, 'aria-selected': r.id === selected ? 'true' : 'false' },
      h('td', { class: 'nowrap mono', 'data-label': 'time' }, h('div', { class: 'cell' }, shortTime(r.time, true))),
      h(
        'td',
        { class: 'call', 'data-label': 'call' },
        h(
          'div',
          { class: 'cell' },
          h('a', { href: `/console/requests/${r.id}` }, r.method ?? `${r.verb} ${r.path}`),
          r.fault ? [' ', badge('fault', 'warn', r.fault)] : null,
          h('div', { class: 'sub' }, [r.user ?? 'unauthenticated', r.project, r.testId ? `test ${r.testId}` : null].filter(Boolean).join(' · ')),
        ),
      ),
      h(
        'td',
        { 'data-label': 'status' },
        h('div', { class: 'cell' }, badge(String(r.status || 'dropped'), statusTone(r.status)), h('span', { class: 'sub' }, ` ${Math.round(r.latencyMs)} ms`), r.code ? h('div', h('code', { class: 'code' }, r.code)) : null),
      ),
    );
    const open = (event: Event) => {
      event.preventDefault();
      void select(r.id);
    };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') open(event);
      else if (event.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
      else if (event.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
      else return;
      event.preventDefault();
    });
    return tr;
  };

  const drawRows = () => {
    const f = filters();
    const shown = records.filter((r) => matches(r, f)).reverse();
    fill(tbody, shown.map((r) => row(r, false)));
    count.textContent = `${shown.length} of ${records.length} requests`;
    fill(methods, [...new Set(records.map((r) => r.method).filter(Boolean))].sort().map((m) => h('option', { value: m as string })));
    fill(codes, [...new Set(records.map((r) => r.code).filter(Boolean))].sort().map((c) => h('option', { value: c as string })));
  };

  const select = async (id: string | undefined) => {
    selected = id;
    for (const tr of tbody.querySelectorAll('tr')) {
      const on = tr.getAttribute('data-id') === id;
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    syncUrl();
    if (!id) {
      fill(detail, h('p', { class: 'muted hint' }, 'Pick a request to see its bodies and, for a failure, what the error means.'));
      return;
    }
    fill(detail, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const view = await admin.requestDetail(id, lang);
      if (selected === id) fill(detail, h('div', { class: 'detail-head' }, h('button', { class: 'small', onclick: () => void select(undefined), 'aria-label': 'Close the request' }, '✕')), detailView(view));
    } catch (error) {
      if (selected === id) fill(detail, h('p', { class: 'error-text' }, messageOf(error)));
    }
  };

  const add = (r: RequestRecord) => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    records.push(r);
    if (records.length > KEEP) seen.delete(records.shift()?.id ?? '');
    if (matches(r, filters())) {
      tbody.prepend(row(r, true));
      while (tbody.children.length > KEEP) tbody.lastElementChild?.remove();
    }
    count.textContent = `${tbody.children.length} of ${records.length} requests`;
  };

  for (const el of [methodInput, statusInput, codeInput, testIdInput]) {
    el.addEventListener('input', () => {
      drawRows();
      syncUrl();
    });
  }
  langSelect.addEventListener('change', () => {
    lang = langSelect.value;
    localStorage.setItem('console.lang', lang);
    void select(selected);
  });

  // Live: the admin API's event stream, resumed after the newest request already shown.
  const newest = records.at(-1)?.id ?? 'r0';
  const source = new EventSource(admin.requestStreamUrl({ after: newest }));
  source.addEventListener('request', (event) => add(JSON.parse((event as MessageEvent<string>).data) as RequestRecord));
  source.addEventListener('open', () => {
    live.className = 'live on';
    live.textContent = 'live';
  });
  source.addEventListener('error', () => {
    live.className = 'live off';
    live.textContent = 'reconnecting…';
  });
  signal.addEventListener('abort', () => source.close());

  drawRows();
  void select(selected);
  return h(
    'div',
    { class: 'requests-page' },
    h('div', { class: 'title-row' }, h('h1', 'Requests'), live, count),
    h(
      'div',
      { class: 'toolbar' },
      methodInput,
      statusInput,
      codeInput,
      testIdInput,
      h('label', { class: 'lang' }, 'explain in ', langSelect),
      h(
        'button',
        {
          class: 'small',
          onclick: () =>
            void act('Request log cleared', () => admin.clearRequests()).then(() => {
              records.length = 0;
              drawRows();
            }),
        },
        'Clear log',
      ),
    ),
    methods,
    codes,
    h(
      'div',
      { class: 'split' },
      section(
        'Log',
        h('div', { class: 'table-wrap' }, h('table', { class: 'requests' }, h('thead', h('tr', ['time', 'call · caller · project', 'status · latency · code'].map((c) => h('th', { scope: 'col' }, c)))), tbody)),
      ),
      detail,
    ),
  );
};
