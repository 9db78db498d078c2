import { admin, refreshClock } from '../api.js';
import { badge, h, link, section, shortTime, statusTone, table } from '../dom.js';
import type { Page } from '../main.js';

/** The landing page: what is running, how much state it holds, and the latest failures. */
export const overviewPage: Page = async () => {
  const [health, courses, domains, projects, coverage, recent, clock] = await Promise.all([
    admin.health(),
    admin.courses(),
    admin.domains(),
    admin.projects(),
    admin.coverage(),
    admin.requests({ limit: 200 }),
    admin.clock(),
  ]);
  void refreshClock(clock);
  const latest = [...recent.requests].reverse().slice(0, 8);
  const failures = recent.requests.filter((r) => r.status >= 400 || r.status === 0).reverse().slice(0, 8);
  const stat = (label: string, value: string | number, href?: string) =>
    h('div', { class: 'stat' }, h('div', { class: 'stat-value' }, href ? link(href, String(value)) : String(value)), h('div', { class: 'stat-label' }, label));
  return h(
    'div',
    h('h1', 'Overview'),
    h(
      'p',
      { class: 'lead' },
      `classroom-emulator ${health.version} · store ${health.store} · `,
      `${coverage.implemented} of ${coverage.total} Classroom methods implemented`,
    ),
    h(
      'div',
      { class: 'stats' },
      stat('courses', courses.courses.length, '/console/courses'),
      stat('archived courses', courses.courses.filter((c) => c.courseState === 'ARCHIVED').length, '/console/courses?q=ARCHIVED'),
      stat('domains', domains.domains.length, '/console/people'),
      stat('Cloud projects', projects.projects.length, '/console/people'),
      stat('requests logged', recent.matched, '/console/requests'),
      stat('virtual time (UTC)', `${clock.now.slice(11, 19)}${clock.frozen ? ' ❄' : ''}`, '/console/platform'),
    ),
    section(
      'Latest failures',
      table(
        ['time', 'method', 'caller', 'status', 'code'],
        failures.map((r) => [
          shortTime(r.time, true),
          link(`/console/requests/${r.id}`, r.method ?? `${r.verb} ${r.path}`),
          r.user ?? '—',
          badge(String(r.status), statusTone(r.status)),
          r.code ?? '',
        ]),
        { empty: 'No failed requests yet. Make a call with the official client or curl and watch the Requests page.' },
      ),
    ),
    section(
      'Latest requests',
      table(
        ['time', 'method', 'caller', 'status'],
        latest.map((r) => [shortTime(r.time, true), link(`/console/requests/${r.id}`, r.method ?? `${r.verb} ${r.path}`), r.user ?? '—', badge(String(r.status || 'dropped'), statusTone(r.status))]),
        { empty: 'No requests yet.' },
      ),
    ),
  );
};
