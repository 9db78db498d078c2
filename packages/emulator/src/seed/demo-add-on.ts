import type { Env } from '../env.js';
import { allScopes } from '../identity/scopes.js';
import type { Repos } from '../store/repos.js';
import { DEMO_DOMAIN } from './demo.js';

/** The demo's add-on: its project, course work, attachment and the students' submission ids. */
export const DEMO_ADD_ON = {
  project: 'maplewood-quiz',
  courseWorkId: '700000000001',
  attachmentId: 'quizlab-fractions',
  /** The add-on's calls as its iframe makes them for the teacher and for a student. */
  tokens: { 'demo-addon-teacher': 'maria.lopez', 'demo-addon-student': 'ava.chen' },
  /** Classroom submission ids of Ava and Noah for the course work (StudentContext.submissionId). */
  submissions: { 'ava.chen': 'Cg4IdemoAvaQuiz', 'noah.patel': 'Cg4IdemoNoahQuiz' },
} as const;

const PREFIX = 'https://quizlab.example/';

/**
 * The demo school's add-on: Quiz Lab (project maplewood-quiz) is registered, and Ms Lopez's course
 * work "Fractions check-in" in d:welcome — made by the school's own app — carries a graded Quiz Lab
 * attachment, so getAddOnContext, the attachment and grade passback are each one call away
 * (examples/demo-school.md). Written in the demo's transaction.
 */
export async function seedDemoAddOn(env: Env, repos: Repos): Promise<void> {
  const course = await repos.aliases.get(DEMO_DOMAIN, 'd:welcome');
  const teacher = await repos.users.byEmail(`maria.lopez@${DEMO_DOMAIN}`);
  if (!course || !teacher) throw new Error('the demo school lost d:welcome or its teacher');
  const now = env.clock.now();
  // Fixed values throughout: drawing ids here would shift every id the demo hands out afterwards,
  // and the recorded wire bodies (packages/errors/test/fixtures/wire) name some of them.
  await repos.identity.insertProject({ id: DEMO_ADD_ON.project, number: '470000000001', name: 'Quiz Lab', created_at: now });
  const scopes = allScopes().join(' ');
  for (const [token, local] of Object.entries(DEMO_ADD_ON.tokens)) {
    const user = await repos.users.byEmail(`${local}@${DEMO_DOMAIN}`);
    if (!user) throw new Error(`the demo school lost ${local}`);
    await repos.identity.putGrant({ user_id: user.id, project_id: DEMO_ADD_ON.project, scopes, created_at: now });
    await repos.identity.insertToken({ token, user_id: user.id, project_id: DEMO_ADD_ON.project, scopes, via: 'oauth', service_account: null, expires_at: null, created_at: now });
  }
  await repos.addOns.putAddOn({
    project_id: DEMO_ADD_ON.project,
    title: 'Quiz Lab',
    attachment_uri_prefixes: JSON.stringify([PREFIX]),
    setup_uri: `${PREFIX}setup`,
    created_at: now,
  });
  await repos.classwork.insertItem({
    id: DEMO_ADD_ON.courseWorkId,
    course_id: course.course_id,
    kind: 'COURSE_WORK',
    title: 'Fractions check-in',
    description: 'Open the Quiz Lab attachment and answer the ten questions.',
    state: 'PUBLISHED',
    scheduled_time: null,
    creation_time: now,
    update_time: now,
    creator_id: teacher.id,
    project_id: 'maplewood-app',
    assignee_mode: 'ALL_STUDENTS',
    student_ids: '[]',
    materials: '[]',
    topic_id: null,
    work_type: 'ASSIGNMENT',
    max_points: 1000,
    due_date: null,
    due_time: null,
    due_at: null,
    submission_modification_mode: 'MODIFIABLE_UNTIL_TURNED_IN',
    choices: null,
    grading_period_id: null,
  });
  const submissions = [];
  for (const [local, id] of Object.entries(DEMO_ADD_ON.submissions)) {
    const student = await repos.users.byEmail(`${local}@${DEMO_DOMAIN}`);
    if (!student) throw new Error(`the demo school lost ${local}`);
    submissions.push({
      id, course_id: course.course_id, course_work_id: DEMO_ADD_ON.courseWorkId, user_id: student.id, state: 'NEW',
      creation_time: null, update_time: null, draft_grade: null, assigned_grade: null, released_grade: null,
      answer: null, attachments: '[]', history: '[]', turned_in_at: null, returned_at: null,
    });
  }
  await repos.classwork.insertSubmissions(submissions);
  await repos.addOns.insertAttachment({
    id: DEMO_ADD_ON.attachmentId,
    course_id: course.course_id,
    item_id: DEMO_ADD_ON.courseWorkId,
    project_id: DEMO_ADD_ON.project,
    title: 'Fractions quiz',
    teacher_view_uri: `${PREFIX}teacher/fractions`,
    student_view_uri: `${PREFIX}student/fractions`,
    student_work_review_uri: `${PREFIX}review/fractions`,
    due_date: null,
    due_time: null,
    max_points: 10,
    copy_history: '[]',
    creation_time: now,
    update_time: now,
  });
}
