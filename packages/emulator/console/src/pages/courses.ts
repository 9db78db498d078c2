import type { AdminCourse } from '../../../src/admin/client.js';
import { admin } from '../api.js';
import { badge, fill, h, link, meter, stateTone, table } from '../dom.js';
import type { Page } from '../main.js';

/** Every course with its state, owner, aliases and members against the limits in force. */
export const courseListPage: Page = async ({ query, setQuery }) => {
  const [{ courses }, limits] = await Promise.all([admin.courses(), admin.limits()]);
  const memberLimit = limits.courseMembers ?? 0;
  const teacherLimit = limits.courseTeachers ?? 0;
  const filter = h('input', { type: 'search', placeholder: 'Filter by name, owner, alias, state…', 'aria-label': 'Filter courses', value: query.get('q') ?? '' });
  const body = h('div');
  const draw = () => {
    const needle = filter.value.trim().toLowerCase();
    const shown = courses.filter((c: AdminCourse) =>
      needle === '' || [c.name, c.section ?? '', c.owner.email ?? '', c.courseState, c.id, ...c.aliases].some((text) => text.toLowerCase().includes(needle)),
    );
    fill(
      body,
      h('p', { class: 'muted' }, `${shown.length} of ${courses.length} courses · limits: ${memberLimit} members, ${teacherLimit} teachers per course`),
      table(
        ['course', 'state', 'owner', 'aliases', 'teachers', 'members'],
        shown.map((c) => [
          h('div', link(`/console/courses/${c.id}`, c.name), h('div', { class: 'sub' }, [c.section, `id ${c.id}`].filter(Boolean).join(' · '))),
          [badge(c.courseState, stateTone(c.courseState)), c.transfer?.inProgress ? badge('transfer', 'info', 'Ownership transfer in progress') : null],
          c.owner.email ?? c.owner.id,
          c.aliases.length ? h('div', { class: 'aliases' }, c.aliases.map((a) => h('code', a))) : '—',
          meter(c.members.teachers, teacherLimit, 'teachers'),
          meter(c.members.total, memberLimit, 'members'),
        ]),
        { empty: 'No courses match.' },
      ),
    );
  };
  filter.addEventListener('input', () => {
    const q = new URLSearchParams(query);
    if (filter.value) q.set('q', filter.value);
    else q.delete('q');
    setQuery(q);
    draw();
  });
  draw();
  return h('div', h('h1', 'Courses'), h('div', { class: 'toolbar' }, filter), body);
};
