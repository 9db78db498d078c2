import type { AdminCourseDetails } from '../../../src/admin/client.js';
import { act, admin } from '../api.js';
import { badge, h, link, meter, section, shortTime, stateTone, table } from '../dom.js';
import type { Page } from '../main.js';

const STATES = ['ACTIVE', 'ARCHIVED', 'PROVISIONED', 'DECLINED', 'SUSPENDED'];

const grade = (value: number | null, max: number | null) => (value === null ? '—' : max === null ? String(value) : `${value} / ${max}`);

function person(p: { email: string | null; id: string; name: string | null; state: string | null }) {
  return h(
    'span',
    { class: 'person' },
    p.name ? h('span', p.name) : null,
    h('span', { class: 'sub' }, p.email ?? `user ${p.id} (gone)`),
    p.state && p.state !== 'ACTIVE' ? badge(p.state, stateTone(p.state)) : null,
  );
}

function courseWork(details: AdminCourseDetails) {
  if (details.courseWork.length === 0) return h('p', { class: 'empty' }, 'No course work.');
  return h(
    'div',
    details.courseWork.map((work) =>
      h(
        'details',
        { class: 'work', open: work.submissions.length > 0 && work.submissions.length <= 40 },
        h(
          'summary',
          h('strong', work.title || '(untitled)'),
          ' ',
          badge(work.state, stateTone(work.state)),
          ' ',
          h('span', { class: 'sub' }, [work.workType, work.maxPoints !== null ? `${work.maxPoints} points` : 'ungraded', work.dueTime ? `due ${shortTime(work.dueTime)}` : null, `${work.submissions.length} submissions`].filter(Boolean).join(' · ')),
          work.overdue ? badge('past due', 'warn') : null,
        ),
        table(
          ['student', 'state', 'draft grade', 'assigned grade', 'returned grade', 'turned in', 'attachments'],
          work.submissions.map((s) => [
            person(s.student),
            badge(s.state, stateTone(s.state)),
            grade(s.draftGrade, work.maxPoints),
            grade(s.assignedGrade, work.maxPoints),
            grade(s.releasedGrade, work.maxPoints),
            shortTime(s.turnedInTime),
            String(s.attachments),
          ]),
          { empty: 'No submissions (no students assigned).' },
        ),
      ),
    ),
  );
}

/** One course with everything in it. */
export const coursePage: Page = async ({ params }) => {
  const id = params.id ?? '';
  const [course, details, limits] = await Promise.all([admin.course(id), admin.courseDetails(id), admin.limits()]);
  const state = h('select', { 'aria-label': 'Course state' }, STATES.map((s) => h('option', { value: s, selected: s === course.courseState }, s)));
  const fact = (label: string, value: unknown) => [h('dt', label), h('dd', value as Node | string)];
  return h(
    'div',
    h('p', { class: 'crumbs' }, link('/console/courses', 'Courses'), ' / ', course.name),
    h('h1', course.name, ' ', badge(course.courseState, stateTone(course.courseState))),
    h(
      'div',
      { class: 'grid2' },
      section(
        'Course',
        h(
          'dl',
          { class: 'facts' },
          fact('id', h('code', course.id)),
          fact('section', course.section ?? '—'),
          fact('owner', course.owner.email ?? course.owner.id),
          fact('Drive folder owner', `${course.teacherFolderOwner.email ?? course.teacherFolderOwner.id}${course.teacherFolderOwner.pinned ? ' (pinned)' : ''}`),
          fact('aliases', course.aliases.length ? h('span', { class: 'aliases' }, course.aliases.map((a) => h('code', a))) : '—'),
          fact('enrollment code', h('code', course.enrollmentCode)),
          fact('created by project', course.projectId ?? '—'),
          fact('created', shortTime(course.creationTime)),
          fact('updated', shortTime(course.updateTime)),
          course.transfer ? fact('ownership transfer', `from ${course.transfer.fromEmail ?? course.transfer.from}, ${course.transfer.inProgress ? `until ${shortTime(course.transfer.doneTime)}` : 'done'}`) : null,
          course.pendingOwnerInvitation ? fact('pending owner invitation', `${course.pendingOwnerInvitation.id} → user ${course.pendingOwnerInvitation.user}`) : null,
        ),
        h(
          'form',
          {
            class: 'inline',
            onsubmit: (event: Event) => {
              event.preventDefault();
              void act(`Course state set to ${state.value}`, () => admin.patchCourse(id, { courseState: state.value }));
            },
          },
          h('label', 'State ', state),
          h('button', { type: 'submit' }, 'Set state'),
        ),
      ),
      section(
        'Members',
        h('p', 'Teachers ', meter(course.members.teachers, limits.courseTeachers ?? 0, 'teachers')),
        h('p', 'All members ', meter(course.members.total, limits.courseMembers ?? 0, 'members')),
        h('p', { class: 'muted' }, `${details.topics.length} topics · ${details.announcements} announcements · ${details.courseWorkMaterials} materials`),
      ),
    ),
    h(
      'div',
      { class: 'grid2' },
      section(
        `Teachers (${details.teachers.length})`,
        table(['teacher', 'role', 'joined'], details.teachers.map((t) => [person(t), t.owner ? badge('owner', 'info') : 'teacher', shortTime(t.joinTime)])),
      ),
      section(
        `Students (${details.students.length})`,
        table(['student', 'joined'], details.students.map((s) => [person(s), shortTime(s.joinTime)]), { empty: 'No students.' }),
      ),
    ),
    section(
      `Invitations (${details.invitations.length})`,
      table(['id', 'invitee', 'role', 'sent'], details.invitations.map((i) => [h('code', i.id), person(i.user), badge(i.role, 'info'), shortTime(i.createTime)]), { empty: 'No pending invitations.' }),
    ),
    details.studentGroups
      ? section(`Student groups (${details.studentGroups.length})`, table(['group', 'members'], details.studentGroups.map((g) => [g.title, g.members === undefined ? '—' : String(g.members)]), { empty: 'No student groups.' }))
      : null,
    section(`Course work (${details.courseWork.length})`, courseWork(details)),
    section(
      `Drive files attached (${details.driveFiles.length})`,
      table(
        ['title', 'type', 'owner', 'id'],
        details.driveFiles.map((f) => [f.exists ? f.title : h('span', { class: 'muted' }, 'deleted from Drive'), f.mimeType?.replace('application/vnd.google-apps.', '') ?? '—', f.owner ?? '—', h('code', f.id)]),
        { empty: 'No Drive files attached to materials or submissions.' },
      ),
    ),
  );
};
