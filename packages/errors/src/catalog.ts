import { CANONICAL_STATUSES, type CanonicalStatus } from './status.js';

/**
 * Who can make a failing request succeed.
 * - `app`: the calling application, by another API call (see {@link CatalogEntry.fix}) or a code change.
 * - `user`: the person the app acts for, by changing something in Classroom.
 * - `admin`: a Google Workspace administrator of the user's domain.
 * - `developer`: whoever owns the Cloud project or the code (scopes, grants, quota requests).
 * - `time`: nobody; it passes by itself (transient failures, rate limits).
 * - `google`: only Google can (persistent server faults, to be reported).
 */
export type Resolver = 'app' | 'user' | 'admin' | 'developer' | 'time' | 'google';

/**
 * How retrying the same request behaves.
 * - `never`: the same request fails until someone changes state; retrying only burns quota.
 * - `backoff`: transient; retry with truncated exponential backoff and jitter.
 * - `after-window`: the request succeeds again only once a known window has passed
 *   ({@link CatalogEntry.waitSeconds}); retrying sooner is wasted.
 */
export type RetryPolicy = 'never' | 'backoff' | 'after-window';

/** Rough grouping used by the CLI and docs. */
export type ErrorFamily = 'precondition' | 'access' | 'rate' | 'server' | 'request' | 'transport';

/** An API call that changes state so that the failed request can succeed. */
export interface Fix {
  /** Discovery method id, e.g. `classroom.courses.patch`. */
  readonly method: string;
  /** The fields to send, where they are known in advance. */
  readonly body?: Readonly<Record<string, unknown>>;
  readonly updateMask?: string;
}

/** The `google.rpc.ErrorInfo` that Google's front end attaches for some errors. */
export interface ErrorInfoTemplate {
  readonly reason: string;
  readonly domain: string;
  /** Metadata every occurrence carries (an emitter adds its own on top). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One error of the Classroom API: everything known about it except human-language text. */
export interface CatalogEntry {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly status: CanonicalStatus;
  /** The legacy v1 `errors[].reason`. */
  readonly reason: string;
  /** True when the code travels as an `@Code ` token at the start of `error.message`. */
  readonly token: boolean;
  /** True when the Classroom "Request Errors" reference describes the code. */
  readonly inSpecification: boolean;
  readonly family: ErrorFamily;
  /** Discovery method ids known to return it; `['*']` for every method. */
  readonly methods: readonly string[];
  /** Who can resolve it, most likely first. */
  readonly resolvedBy: readonly Resolver[];
  readonly retry: RetryPolicy;
  /** For `after-window`: how long until the same request can succeed. */
  readonly waitSeconds?: number;
  readonly fix?: Fix;
  /** Present where Google attaches a `google.rpc.ErrorInfo` to this error. */
  readonly errorInfo?: ErrorInfoTemplate;
  /** English wire message used when the emitter supplies none (after the `@Code ` token, if any). */
  readonly defaultMessage: string;
}

const ANY = ['*'] as const;
const ROSTER_JOINS = [
  'classroom.courses.students.create',
  'classroom.courses.teachers.create',
  'classroom.invitations.accept',
] as const;

type Spec = Omit<CatalogEntry, 'code' | 'httpStatus' | 'reason' | 'token' | 'inSpecification'> & {
  readonly httpStatus?: number;
  readonly reason?: string;
  readonly token?: boolean;
  readonly inSpecification?: boolean;
};

function precondition(spec: Omit<Spec, 'status' | 'family' | 'retry'> & { retry?: RetryPolicy }): Spec {
  return { status: 'FAILED_PRECONDITION', family: 'precondition', retry: 'never', token: true, inSpecification: true, ...spec };
}

function access(spec: Omit<Spec, 'status' | 'family' | 'retry'>): Spec {
  return { status: 'PERMISSION_DENIED', family: 'access', retry: 'never', token: true, inSpecification: false, ...spec };
}

function canonical(status: CanonicalStatus, spec: Omit<Spec, 'status'>): Spec {
  return { status, token: false, inSpecification: false, ...spec };
}

function quotaInfo(limit: string): ErrorInfoTemplate {
  return {
    reason: 'RATE_LIMIT_EXCEEDED',
    domain: 'googleapis.com',
    metadata: { service: 'classroom.googleapis.com', quota_metric: 'classroom.googleapis.com/default_requests', quota_limit: limit },
  };
}

/** The specification's and the current reference's errors, keyed by code. */
const SPECS = {
  // The 13 FAILED_PRECONDITION codes of the specification.
  CourseNotModifiable: precondition({
    methods: [
      'classroom.courses.patch',
      'classroom.courses.update',
      'classroom.courses.students.create',
      'classroom.courses.teachers.create',
      'classroom.invitations.accept',
    ],
    resolvedBy: ['app', 'user'],
    fix: { method: 'classroom.courses.patch', body: { courseState: 'ACTIVE' }, updateMask: 'courseState' },
    defaultMessage: 'The course is not in a state that allows this change.',
  }),
  PendingInvitationExists: precondition({
    methods: ['classroom.invitations.create', 'classroom.courses.patch'],
    resolvedBy: ['user'],
    fix: { method: 'classroom.invitations.delete' },
    defaultMessage: 'An ownership transfer for this course is already waiting for its invitee.',
  }),
  CourseMemberLimitReached: precondition({
    methods: ROSTER_JOINS,
    resolvedBy: ['user', 'app'],
    fix: { method: 'classroom.courses.students.delete' },
    defaultMessage: 'The course has no room for another member.',
  }),
  CourseTeacherLimitReached: precondition({
    methods: ['classroom.courses.teachers.create', 'classroom.invitations.accept'],
    resolvedBy: ['user', 'app'],
    fix: { method: 'classroom.courses.teachers.delete' },
    defaultMessage: 'The course has no room for another teacher.',
  }),
  UserGroupsMembershipLimitReached: precondition({
    methods: ['classroom.courses.create', ...ROSTER_JOINS],
    resolvedBy: ['user', 'app'],
    fix: { method: 'classroom.courses.students.delete' },
    defaultMessage: 'The user already belongs to as many groups as an account may.',
  }),
  AttachmentNotVisible: precondition({
    methods: [
      'classroom.courses.courseWork.create',
      'classroom.courses.courseWork.patch',
      'classroom.courses.announcements.create',
      'classroom.courses.announcements.patch',
      'classroom.courses.courseWorkMaterials.create',
      'classroom.courses.courseWorkMaterials.patch',
      'classroom.courses.courseWork.studentSubmissions.modifyAttachments',
      'classroom.courses.courseWork.rubrics.create',
    ],
    resolvedBy: ['user'],
    defaultMessage: 'An attachment does not exist, has the wrong type, or is not shared with the requesting user.',
  }),
  CannotRemoveCourseFolderOwner: precondition({
    methods: ['classroom.courses.teachers.delete'],
    resolvedBy: ['user'],
    defaultMessage: "The teacher owns the course's Drive folder and cannot be removed.",
  }),
  CannotRemoveCourseOwner: precondition({
    methods: ['classroom.courses.teachers.delete'],
    resolvedBy: ['user'],
    fix: { method: 'classroom.courses.patch', updateMask: 'ownerId' },
    defaultMessage: 'The course owner cannot be removed from the course.',
  }),
  CannotRemoveCourseOwnerTransferIncomplete: precondition({
    methods: ['classroom.courses.teachers.delete'],
    resolvedBy: ['time', 'user'],
    retry: 'after-window',
    waitSeconds: 300,
    defaultMessage: 'The previous owner cannot be removed until the ownership transfer has finished.',
  }),
  CannotRemoveTeacherWithNoCourseOwner: precondition({
    methods: ['classroom.courses.teachers.delete'],
    resolvedBy: ['admin'],
    defaultMessage: 'Teachers cannot be removed from a course that has no active owner.',
  }),
  InactiveCourseOwner: precondition({
    methods: [
      'classroom.courses.patch',
      'classroom.courses.students.create',
      'classroom.courses.teachers.create',
    ],
    resolvedBy: ['admin'],
    defaultMessage: "The course owner's account is inactive.",
  }),
  IneligibleOwner: precondition({
    methods: ['classroom.courses.patch', 'classroom.invitations.create'],
    resolvedBy: ['user', 'admin'],
    fix: { method: 'classroom.courses.teachers.create' },
    defaultMessage: 'Only a teacher of the course can become its owner.',
  }),
  UserCannotOwnCourse: precondition({
    methods: ['classroom.courses.create'],
    resolvedBy: ['user', 'admin'],
    defaultMessage: 'The named user cannot own this course.',
  }),

  // In the current reference but newer than the specification.
  CourseTitleCannotContainUrl: precondition({
    methods: ['classroom.courses.create', 'classroom.courses.patch', 'classroom.courses.update'],
    resolvedBy: ['user'],
    inSpecification: false,
    defaultMessage: 'A course title may not contain a URL.',
  }),
  CourseTopicLimitReached: precondition({
    methods: ['classroom.courses.topics.create'],
    resolvedBy: ['user', 'app'],
    inSpecification: false,
    fix: { method: 'classroom.courses.topics.delete' },
    defaultMessage: 'The course has no room for another topic.',
  }),

  EmptyAssignees: precondition({
    methods: ['classroom.courses.courseWork.modifyAssignees', 'classroom.courses.announcements.modifyAssignees'],
    resolvedBy: ['app', 'user'],
    inSpecification: false,
    fix: { method: 'classroom.courses.courseWork.modifyAssignees', body: { assigneeMode: 'ALL_STUDENTS' } },
    defaultMessage: 'The change would leave the item assigned to no student.',
  }),
  RubricCriteriaInvalidFormat: {
    status: 'INVALID_ARGUMENT',
    family: 'request',
    token: true,
    inSpecification: false,
    methods: [
      'classroom.courses.courseWork.rubrics.create',
      'classroom.courses.courseWork.rubrics.patch',
      'classroom.courses.courseWork.updateRubric',
    ],
    resolvedBy: ['developer', 'user'],
    retry: 'never',
    defaultMessage: 'The rubric criteria are not shaped the way a rubric must be.',
  },

  // 403 of the specification.
  MissingGrant: access({
    methods: ['classroom.registrations.create'],
    resolvedBy: ['developer', 'app'],
    inSpecification: true,
    defaultMessage: 'The user has not granted this Cloud project the scopes this feed needs.',
  }),

  // Access errors every method may return.
  ClassroomDisabled: access({
    methods: ANY,
    resolvedBy: ['admin'],
    defaultMessage: 'The user does not have access to Classroom.',
  }),
  ClassroomApiDisabled: access({
    methods: ANY,
    resolvedBy: ['admin'],
    defaultMessage: "The user's domain has turned off access to the Classroom API.",
  }),
  CannotDirectAddUser: access({
    methods: ['classroom.courses.students.create', 'classroom.courses.teachers.create'],
    resolvedBy: ['app'],
    fix: { method: 'classroom.invitations.create' },
    defaultMessage: 'This user cannot be added directly; send an invitation instead.',
  }),
  ProjectPermissionDenied: access({
    methods: [
      'classroom.courses.courseWork.patch',
      'classroom.courses.courseWork.delete',
      'classroom.courses.courseWork.modifyAssignees',
      'classroom.courses.courseWork.studentSubmissions.patch',
      'classroom.courses.courseWork.studentSubmissions.return',
      'classroom.courses.courseWork.studentSubmissions.turnIn',
      'classroom.courses.courseWork.studentSubmissions.reclaim',
      'classroom.courses.courseWork.studentSubmissions.modifyAttachments',
      'classroom.courses.courseWork.rubrics.create',
      'classroom.courses.courseWork.rubrics.patch',
      'classroom.courses.courseWork.rubrics.delete',
      'classroom.courses.courseWork.updateRubric',
      'classroom.courses.announcements.patch',
      'classroom.courses.announcements.delete',
      'classroom.courses.announcements.modifyAssignees',
      'classroom.courses.courseWorkMaterials.patch',
      'classroom.courses.courseWorkMaterials.delete',
      // Add-on attachments belong to the add-on (Cloud project) that created them, on every item route.
      ...['courseWork', 'courseWorkMaterials', 'announcements', 'posts'].flatMap((r) =>
        ['create', 'get', 'patch', 'delete'].map((m) => `classroom.courses.${r}.addOnAttachments.${m}`),
      ),
      ...['courseWork', 'posts'].flatMap((r) => ['get', 'patch'].map((m) => `classroom.courses.${r}.addOnAttachments.studentSubmissions.${m}`)),
      ...['courseWork', 'courseWorkMaterials', 'announcements', 'posts'].map((r) => `classroom.courses.${r}.getAddOnContext`),
    ],
    resolvedBy: ['developer'],
    defaultMessage: 'The item was created by another Cloud project; only that project may change it.',
  }),
  UserIneligibleToUpdateGradingPeriodSettings: access({
    methods: ['classroom.courses.updateGradingPeriodSettings'],
    resolvedBy: ['admin'],
    defaultMessage: 'The user is not licensed to change grading periods in this course.',
  }),
  InsufficientScopes: access({
    methods: ANY,
    resolvedBy: ['developer'],
    token: false,
    reason: 'insufficientPermissions',
    errorInfo: { reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' },
    defaultMessage: 'Request had insufficient authentication scopes.',
  }),

  // 429 of the specification.
  UserCourseJoinRateLimitReached: {
    status: 'RESOURCE_EXHAUSTED',
    family: 'rate',
    token: true,
    inSpecification: true,
    methods: ROSTER_JOINS,
    resolvedBy: ['time'],
    retry: 'after-window',
    waitSeconds: 86_400,
    defaultMessage: 'The user has joined as many courses today as a day allows.',
  },
  ProjectRateLimitExceeded: canonical('RESOURCE_EXHAUSTED', {
    family: 'rate',
    inSpecification: true,
    methods: ANY,
    resolvedBy: ['time', 'developer'],
    retry: 'backoff',
    errorInfo: quotaInfo('DefaultPerMinutePerProject'),
    defaultMessage: 'Quota exceeded: queries per minute for this Cloud project.',
  }),
  UserRateLimitExceeded: canonical('RESOURCE_EXHAUSTED', {
    family: 'rate',
    inSpecification: true,
    methods: ANY,
    resolvedBy: ['time', 'developer'],
    retry: 'backoff',
    errorInfo: quotaInfo('DefaultPerMinutePerUser'),
    defaultMessage: 'Quota exceeded: queries per minute for this user.',
  }),
  DailyLimitExceeded: canonical('RESOURCE_EXHAUSTED', {
    family: 'rate',
    inSpecification: true,
    methods: ANY,
    resolvedBy: ['time', 'developer'],
    retry: 'after-window',
    waitSeconds: 86_400,
    errorInfo: quotaInfo('DefaultPerDayPerProject'),
    defaultMessage: 'Quota exceeded: queries per day for this Cloud project.',
  }),

  // Plain canonical statuses.
  INVALID_ARGUMENT: canonical('INVALID_ARGUMENT', {
    family: 'request', methods: ANY, resolvedBy: ['developer'], retry: 'never',
    defaultMessage: 'Request contains an invalid argument.',
  }),
  FAILED_PRECONDITION: canonical('FAILED_PRECONDITION', {
    family: 'precondition', methods: ANY, resolvedBy: ['user', 'app'], retry: 'never',
    defaultMessage: 'Precondition check failed.',
  }),
  OUT_OF_RANGE: canonical('OUT_OF_RANGE', {
    family: 'request', methods: ANY, resolvedBy: ['developer'], retry: 'never',
    defaultMessage: 'A value is outside the accepted range.',
  }),
  UNAUTHENTICATED: canonical('UNAUTHENTICATED', {
    family: 'access', methods: ANY, resolvedBy: ['app', 'user'], retry: 'never',
    defaultMessage: 'Request had invalid authentication credentials. Expected an OAuth 2 access token.',
  }),
  PERMISSION_DENIED: canonical('PERMISSION_DENIED', {
    family: 'access', methods: ANY, resolvedBy: ['user', 'admin'], retry: 'never',
    defaultMessage: 'The caller does not have permission.',
  }),
  NOT_FOUND: canonical('NOT_FOUND', {
    family: 'request', methods: ANY, resolvedBy: ['app', 'user'], retry: 'never',
    defaultMessage: 'Requested entity was not found.',
  }),
  ALREADY_EXISTS: canonical('ALREADY_EXISTS', {
    family: 'request', methods: ANY, resolvedBy: ['app'], retry: 'never',
    defaultMessage: 'Requested entity already exists.',
  }),
  ABORTED: canonical('ABORTED', {
    family: 'server', methods: ANY, resolvedBy: ['time'], retry: 'backoff',
    defaultMessage: 'The operation was aborted because of a conflict; try again.',
  }),
  RESOURCE_EXHAUSTED: canonical('RESOURCE_EXHAUSTED', {
    family: 'rate', methods: ANY, resolvedBy: ['time', 'developer'], retry: 'backoff',
    defaultMessage: 'Resource has been exhausted.',
  }),
  CANCELLED: canonical('CANCELLED', {
    family: 'transport', methods: ANY, resolvedBy: ['app'], retry: 'never',
    defaultMessage: 'The operation was cancelled.',
  }),
  DEADLINE_EXCEEDED: canonical('DEADLINE_EXCEEDED', {
    family: 'server', methods: ANY, resolvedBy: ['time'], retry: 'backoff',
    defaultMessage: 'The deadline expired before the operation could complete.',
  }),
  UNIMPLEMENTED: canonical('UNIMPLEMENTED', {
    family: 'request', methods: ANY, resolvedBy: ['developer'], retry: 'never',
    defaultMessage: 'The method is not implemented.',
  }),
  INTERNAL: canonical('INTERNAL', {
    family: 'server', inSpecification: true, methods: ANY, resolvedBy: ['time', 'google'], retry: 'backoff',
    defaultMessage: 'Internal error encountered.',
  }),
  UNAVAILABLE: canonical('UNAVAILABLE', {
    family: 'server', methods: ANY, resolvedBy: ['time'], retry: 'backoff',
    defaultMessage: 'The service is currently unavailable.',
  }),
  UNKNOWN: canonical('UNKNOWN', {
    family: 'server', methods: ANY, resolvedBy: ['time', 'google'], retry: 'backoff',
    defaultMessage: 'Unknown error.',
  }),
  DATA_LOSS: canonical('DATA_LOSS', {
    family: 'server', methods: ANY, resolvedBy: ['google'], retry: 'never',
    defaultMessage: 'Unrecoverable data loss or corruption.',
  }),

  // Never on the wire: the request did not get an HTTP answer at all.
  NetworkError: canonical('UNAVAILABLE', {
    family: 'transport', methods: ANY, resolvedBy: ['time'], retry: 'backoff', httpStatus: 0, reason: '',
    defaultMessage: 'The connection failed before a response arrived.',
  }),
} satisfies Record<string, Spec>;

/** Every code the catalog knows. */
export type ErrorCode = keyof typeof SPECS;

function build(code: ErrorCode, spec: Spec): CatalogEntry {
  const base = CANONICAL_STATUSES[spec.status];
  return Object.freeze({
    ...spec,
    code,
    httpStatus: spec.httpStatus ?? base.httpStatus,
    reason: spec.reason ?? base.reason,
    token: spec.token ?? false,
    inSpecification: spec.inSpecification ?? false,
  });
}

/**
 * The catalog: every Classroom error code with its HTTP status, canonical status, legacy reason, the
 * methods that return it, who can resolve it and how retrying behaves.
 *
 * @example
 * ```ts
 * import { CATALOG } from 'classroom-errors';
 * CATALOG.CourseMemberLimitReached.httpStatus; // 400
 * CATALOG.UserCourseJoinRateLimitReached.waitSeconds; // 86400
 * ```
 */
export const CATALOG: Readonly<Record<ErrorCode, CatalogEntry>> = Object.freeze(
  Object.fromEntries(
    (Object.entries(SPECS) as [ErrorCode, Spec][]).map(([code, spec]) => [code, build(code, spec)]),
  ) as Record<ErrorCode, CatalogEntry>,
);

/** All codes, in catalog order. */
export const ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.keys(SPECS) as ErrorCode[]);

/** True when `value` is a code of the catalog. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CATALOG, value);
}

/**
 * Looks a code up, case-sensitively first and then ignoring case and a leading `@`.
 *
 * @example
 * ```ts
 * lookup('@coursememberlimitreached')?.code; // 'CourseMemberLimitReached'
 * ```
 */
export function lookup(name: string): CatalogEntry | undefined {
  const trimmed = name.trim().replace(/^@/, '');
  if (isErrorCode(trimmed)) return CATALOG[trimmed];
  const lower = trimmed.toLowerCase();
  const found = ERROR_CODES.find((code) => code.toLowerCase() === lower);
  return found ? CATALOG[found] : undefined;
}

/**
 * Codes whose names are close to `name`, best first: for "did you mean" messages.
 */
export function nearMatches(name: string, limit = 3): ErrorCode[] {
  const target = name.trim().replace(/^@/, '').toLowerCase();
  return ERROR_CODES.map((code) => ({ code, distance: editDistance(target, code.toLowerCase()) }))
    .filter(({ code, distance }) => distance <= Math.max(3, Math.floor(code.length / 3)) || code.toLowerCase().includes(target))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map(({ code }) => code);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
