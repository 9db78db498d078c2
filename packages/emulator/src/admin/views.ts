/**
 * JSON schemas of what the admin API answers. They document the responses in openapi.json, and
 * test/admin.test.ts checks real answers against them so the two cannot drift.
 */

const time = { type: 'string', format: 'date-time' } as const;
const closed = (properties: Record<string, object>, required: string[] = Object.keys(properties)) =>
  ({ type: 'object', additionalProperties: false, required, properties }) as const;
const listOf = (name: string, item: object) => closed({ [name]: { type: 'array', items: item } });

/** A user. */
export const USER_VIEW = closed({
  id: { type: 'string' },
  email: { type: 'string' },
  domain: { type: 'string' },
  name: closed({ givenName: { type: 'string' }, familyName: { type: 'string' }, fullName: { type: 'string' } }),
  admin: { type: 'boolean' },
  canCreateCourses: { type: 'boolean' },
  classroomEnabled: { type: 'boolean' },
  apiEnabled: { type: 'boolean' },
  verifiedTeacher: { type: 'boolean' },
  state: { enum: ['ACTIVE', 'SUSPENDED', 'DELETED'] },
  groupMemberships: { type: 'integer' },
});

/** A Workspace domain. */
export const DOMAIN_VIEW = closed({ name: { type: 'string' }, apiEnabled: { type: 'boolean' }, createTime: time });

/** A Cloud project. */
export const PROJECT_VIEW = closed({ id: { type: 'string' }, number: { type: 'string' }, name: { type: 'string' }, createTime: time });

/** An OAuth grant. */
export const GRANT_VIEW = closed(
  { user: { type: 'string' }, userEmail: { type: 'string' }, project: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, createTime: time },
  ['user', 'project', 'scopes', 'createTime'],
);

/** An access token. */
export const TOKEN_VIEW = closed(
  {
    accessToken: { type: 'string' },
    tokenType: { const: 'Bearer' },
    user: { type: 'string' },
    project: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    via: { enum: ['oauth', 'dwd'] },
    serviceAccount: { type: 'string' },
    expireTime: time,
  },
  ['accessToken', 'tokenType', 'user', 'project', 'scopes', 'via'],
);

const person = (required: string[]) => closed({ id: { type: 'string' }, email: { type: 'string' }, state: { type: 'string' } }, required);

/** The admin view of a course. */
export const COURSE_VIEW = closed(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    section: { type: 'string' },
    courseState: { type: 'string' },
    owner: person(['id']),
    aliases: { type: 'array', items: { type: 'string' } },
    enrollmentCode: { type: 'string' },
    members: closed({ teachers: { type: 'integer' }, students: { type: 'integer' }, total: { type: 'integer' } }),
    teacherFolderOwner: closed({ id: { type: 'string' }, email: { type: 'string' }, pinned: { type: 'boolean' } }, ['id', 'pinned']),
    transfer: closed({ from: { type: 'string' }, fromEmail: { type: 'string' }, doneTime: time, inProgress: { type: 'boolean' } }, ['from', 'inProgress']),
    pendingOwnerInvitation: closed({ id: { type: 'string' }, user: { type: 'string' } }),
    projectId: { type: ['string', 'null'] },
    creationTime: time,
    updateTime: time,
  },
  ['id', 'name', 'courseState', 'owner', 'aliases', 'enrollmentCode', 'members', 'teacherFolderOwner', 'projectId', 'creationTime', 'updateTime'],
);

/** The virtual clock. */
export const CLOCK_VIEW = closed({ now: time, frozen: { type: 'boolean' } });

/** Limits: every one a whole number. */
export const LIMITS_VIEW = { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } } as const;

/** Liveness. */
export const HEALTH_VIEW = closed({ status: { const: 'ok' }, store: { enum: ['sqlite', 'postgres'] }, version: { type: 'string' }, now: time });

/** Method coverage. */
export const COVERAGE_VIEW = closed({
  implemented: { type: 'integer' },
  total: { type: 'integer' },
  methods: {
    type: 'array',
    items: closed({ id: { type: 'string' }, httpMethod: { type: 'string' }, path: { type: 'string' }, implemented: { type: 'boolean' } }),
  },
});

/** What a fixture load wrote. */
export const FIXTURE_SUMMARY_VIEW = closed({
  ...Object.fromEntries(['domains', 'users', 'projects', 'grants', 'tokens', 'courses', 'aliases', 'members', 'invitations', 'joins', 'studentGroups', 'studentGroupMembers'].map((k) => [k, { type: 'integer' }])),
  courseIds: { type: 'object', additionalProperties: { type: 'string' } },
  userIds: { type: 'object', additionalProperties: { type: 'string' } },
});

/** A whole-state export. */
export const STATE_VIEW = closed({
  format: { const: 'classroom-emulator-state' },
  version: { const: 1 },
  exportTime: time,
  limits: LIMITS_VIEW,
  clock: CLOCK_VIEW,
  tables: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } },
});

/** `{users: [User]}` */
export const USERS_VIEW = listOf('users', USER_VIEW);
/** `{domains: [Domain]}` */
export const DOMAINS_VIEW = listOf('domains', DOMAIN_VIEW);
/** `{projects: [Project]}` */
export const PROJECTS_VIEW = listOf('projects', PROJECT_VIEW);
/** `{grants: [Grant]}` */
export const GRANTS_VIEW = listOf('grants', GRANT_VIEW);
/** `{tokens: [Token]}` */
export const TOKENS_VIEW = listOf('tokens', TOKEN_VIEW);
/** `{courses: [AdminCourse]}` */
export const COURSES_VIEW = listOf('courses', COURSE_VIEW);
/** `{}`: what a deletion answers. */
export const EMPTY_VIEW = closed({});
