import type { AdminUser } from '../../../src/admin/client.js';
import { act, admin } from '../api.js';
import { badge, fill, h, section, shortTime, stateTone, table } from '../dom.js';
import type { Page } from '../main.js';
import { navigate } from '../main.js';

const SHOWN = 300;

function flags(user: AdminUser) {
  return [
    user.admin ? badge('admin', 'info') : null,
    user.state !== 'ACTIVE' ? badge(user.state.toLowerCase(), stateTone(user.state)) : null,
    user.classroomEnabled ? null : badge('Classroom off', 'bad'),
    user.apiEnabled ? null : badge('API off', 'bad'),
    user.canCreateCourses ? null : badge('cannot create courses', 'muted'),
    user.verifiedTeacher ? badge('verified teacher', 'ok') : null,
  ];
}

/** Domains, users, Cloud projects and the OAuth grants between them. */
export const peoplePage: Page = async ({ query, setQuery }) => {
  const [{ domains }, { users }, { projects }, { grants }] = await Promise.all([admin.domains(), admin.listUsers(), admin.projects(), admin.grants()]);
  const reload = () => navigate(location.pathname + location.search);
  // Accounts that behave unusually first (admins, suspended, switched off), then by address.
  const unusual = (u: AdminUser) => (u.admin || u.state !== 'ACTIVE' || !u.classroomEnabled || !u.apiEnabled ? 0 : 1);
  users.sort((a, b) => unusual(a) - unusual(b) || a.email.localeCompare(b.email, 'en', { numeric: true }));
  const filter = h('input', { type: 'search', placeholder: 'Filter users by address, name, domain or flag…', 'aria-label': 'Filter users', value: query.get('q') ?? '' });
  const userBody = h('div');
  const drawUsers = () => {
    const needle = filter.value.trim().toLowerCase();
    const shown = users.filter(
      (u) =>
        needle === '' ||
        [u.email, u.name.fullName, u.domain, u.state, u.admin ? 'admin' : '', u.classroomEnabled ? '' : 'classroom off', u.apiEnabled ? '' : 'api off'].some((t) => t.toLowerCase().includes(needle)),
    );
    fill(
      userBody,
      h('p', { class: 'muted' }, shown.length > SHOWN ? `${SHOWN} of ${shown.length} matching users shown; filter to narrow.` : `${shown.length} of ${users.length} users`),
      table(
        ['user', 'domain', 'flags', 'outside groups', ''],
        shown.slice(0, SHOWN).map((u) => [
          h('span', { class: 'person' }, h('span', u.name.fullName || u.email), h('span', { class: 'sub' }, `${u.email} · id ${u.id}`)),
          u.domain,
          h('span', { class: 'flags' }, flags(u)),
          String(u.groupMemberships),
          h(
            'span',
            { class: 'row-actions' },
            h('button', { class: 'small', onclick: () => void act(`${u.email} ${u.state === 'SUSPENDED' ? 'reactivated' : 'suspended'}`, () => admin.updateUser(u.email, { state: u.state === 'SUSPENDED' ? 'ACTIVE' : 'SUSPENDED' })).then(reload) }, u.state === 'SUSPENDED' ? 'Reactivate' : 'Suspend'),
            h('button', { class: 'small', onclick: () => void act(`Classroom ${u.classroomEnabled ? 'off' : 'on'} for ${u.email}`, () => admin.updateUser(u.email, { classroomEnabled: !u.classroomEnabled })).then(reload) }, u.classroomEnabled ? 'Classroom off' : 'Classroom on'),
          ),
        ]),
        { empty: 'No users match.' },
      ),
    );
  };
  filter.addEventListener('input', () => {
    const q = new URLSearchParams(query);
    if (filter.value) q.set('q', filter.value);
    else q.delete('q');
    setQuery(q);
    drawUsers();
  });
  drawUsers();
  return h(
    'div',
    h('h1', 'People & projects'),
    section(
      `Domains (${domains.length})`,
      table(
        ['domain', 'Classroom API', 'created', ''],
        domains.map((d) => [
          d.name,
          d.apiEnabled ? badge('on', 'ok') : badge('off', 'bad'),
          shortTime(d.createTime),
          h('button', { class: 'small', onclick: () => void act(`API access ${d.apiEnabled ? 'off' : 'on'} for ${d.name}`, () => admin.updateDomain(d.name, { apiEnabled: !d.apiEnabled })).then(reload) }, d.apiEnabled ? 'Switch API off' : 'Switch API on'),
        ]),
      ),
    ),
    section(`Users (${users.length})`, h('div', { class: 'toolbar' }, filter), userBody),
    h(
      'div',
      { class: 'grid2' },
      section(`Cloud projects (${projects.length})`, table(['project', 'number', 'created'], projects.map((p) => [h('span', h('code', p.id), p.name !== p.id ? ` ${p.name}` : ''), p.number, shortTime(p.createTime)]))),
      section(
        `OAuth grants (${grants.length})`,
        table(
          ['user', 'project', 'scopes'],
          grants.map((g) => [g.userEmail ?? g.user, h('code', g.project), h('span', { class: 'scopes' }, g.scopes.map((s) => h('code', { title: s }, s.replace('https://www.googleapis.com/auth/', ''))))]),
          { empty: 'No grants.' },
        ),
      ),
    ),
  );
};
