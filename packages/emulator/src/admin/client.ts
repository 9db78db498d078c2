import type { GoogleErrorBody } from 'classroom-errors';
import type { ChaosRule, FaultSet } from '../platform/faults.js';
import type { NotificationRecord } from '../platform/notifications.js';
import type { QuotaUsage } from '../platform/quota.js';
import type { RequestBodies } from '../platform/request-bodies.js';
import type { RequestRecord } from '../platform/request-log.js';
import type { AddOnInput, AdminAddOn, Launch, LaunchInput } from '../api/add-ons/registry.js';
import type { AdminDriveFile } from '../drive/files.js';
import type { FixtureSummary } from '../seed/fixture.js';

/** An error answered by the admin API, in Google's envelope. */
export class AdminApiError extends Error {
  constructor(readonly httpStatus: number, readonly body: GoogleErrorBody | undefined, text: string) {
    super(body?.error?.message ?? text);
    this.name = 'AdminApiError';
  }
}

/** A user as the admin API shows it. */
export interface AdminUser {
  id: string;
  email: string;
  domain: string;
  name: { givenName: string; familyName: string; fullName: string };
  admin: boolean;
  canCreateCourses: boolean;
  classroomEnabled: boolean;
  apiEnabled: boolean;
  verifiedTeacher: boolean;
  state: 'ACTIVE' | 'SUSPENDED' | 'DELETED';
  groupMemberships: number;
}

/** A minted access token. */
export interface AdminToken {
  accessToken: string;
  tokenType: 'Bearer';
  user: string;
  project: string;
  scopes: string[];
  via: 'oauth' | 'dwd';
  serviceAccount?: string;
  expireTime?: string;
}

/** A Workspace domain as the admin API shows it. */
export interface AdminDomain {
  name: string;
  apiEnabled: boolean;
  createTime: string;
}

/** A Cloud project. */
export interface AdminProject {
  id: string;
  number: string;
  name: string;
  createTime: string;
}

/** An OAuth grant: a user consented to a project for these scopes. */
export interface AdminGrant {
  user: string;
  userEmail?: string;
  project: string;
  scopes: string[];
  createTime: string;
}

/** The admin view of a course. */
export interface AdminCourse {
  id: string;
  name: string;
  section?: string;
  courseState: string;
  owner: { id: string; email?: string; state?: string };
  aliases: string[];
  enrollmentCode: string;
  members: { teachers: number; students: number; total: number };
  /** Who owns the Drive folder now; `pinned` when it is not simply the owner. */
  teacherFolderOwner: { id: string; email?: string; pinned: boolean };
  transfer?: { from: string; fromEmail?: string; doneTime?: string; inProgress: boolean };
  pendingOwnerInvitation?: { id: string; user: string };
  projectId: string | null;
  creationTime: string;
  updateTime: string;
}

export type { AdminDriveFile, AdminAddOn, Launch as AddOnLaunch };

/** A person as a course's details show them; fields are null when the account no longer exists. */
export interface AdminPersonRef {
  id: string;
  email: string | null;
  name: string | null;
  state: string | null;
}

/** A student's submission of one course work item; grades in points. */
export interface AdminSubmission {
  id: string;
  student: AdminPersonRef;
  state: string;
  draftGrade: number | null;
  assignedGrade: number | null;
  releasedGrade: number | null;
  turnedInTime: string | null;
  returnedTime: string | null;
  attachments: number;
  updateTime: string | null;
}

/** Everything in one course, as GET /emulator/v1/courses/{id}/details answers. */
export interface AdminCourseDetails {
  teachers: (AdminPersonRef & { owner: boolean; joinTime: string | null })[];
  students: (AdminPersonRef & { joinTime: string | null })[];
  invitations: { id: string; role: string; user: AdminPersonRef; createTime: string | null }[];
  topics: { id: string; name: string }[];
  courseWork: {
    id: string;
    title: string;
    state: string;
    workType: string | null;
    maxPoints: number | null;
    dueTime: string | null;
    overdue: boolean;
    assigneeMode: string;
    materials: number;
    creationTime: string | null;
    submissions: AdminSubmission[];
  }[];
  announcements: number;
  courseWorkMaterials: number;
  driveFiles: { id: string; title: string | null; mimeType: string | null; owner: string | null; exists: boolean }[];
  /** Student groups, on emulators that have them. */
  studentGroups?: { id: string; title: string; members?: number }[];
}

/** One logged request with its bodies and, for a failure, its error explained. */
export interface AdminRequestDetail {
  request: RequestRecord;
  bodies?: RequestBodies;
  error?: {
    code: string;
    known: boolean;
    httpStatus: number;
    status: string;
    inSpecification: boolean;
    resolvedBy: string[];
    retry: 'never' | 'backoff' | 'after-window';
    waitSeconds?: number;
    fix?: { method: string; body?: Record<string, unknown>; updateMask?: string };
    message: string;
    explanation: { lang: string; title: string; cause: string; action: string };
    decision: { action: string; resolver: string; why: string; delayMs?: number };
  };
}

/** How full one quota window is. */
export interface AdminQuotaWindow {
  project: string;
  user?: string;
  quotaLimit: string;
  used: number;
  limit: number;
}

/** What a fixture load wrote (the loader's own summary type). */
export type AdminFixtureSummary = FixtureSummary;

/** A whole-state export, as GET /emulator/v1/state answers and POST /emulator/v1/state takes. */
export interface AdminStateExport {
  format: 'classroom-emulator-state';
  version: 1;
  exportTime: string;
  limits: Record<string, number>;
  clock: { now: string; frozen: boolean };
  tables: Record<string, Record<string, unknown>[]>;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]): [string, string] => [k, String(v)]),
  );
  return search.size > 0 ? `?${search}` : '';
}

/**
 * A typed client of the admin API (/emulator/v1), used by the CLI, the tests and other tools.
 *
 * @example
 * ```ts
 * const admin = new AdminClient('http://127.0.0.1:8085');
 * const teacher = await admin.createUser({ email: 'ada@school.example' });
 * const { accessToken } = await admin.mintToken({ user: teacher.email });
 * ```
 */
export class AdminClient {
  /**
   * @param adminToken sent as `Authorization: Bearer …`: needed when the emulator was started with an
   *   admin token (always on a network-facing `--host`).
   */
  constructor(
    readonly baseUrl: string,
    private readonly adminToken?: string,
  ) {}

  /** Any admin call: `request('GET', '/health')`. */
  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const payload = typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body);
    const response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/emulator/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': contentType }),
        ...(this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {}),
      },
      ...(body === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!response.ok) throw new AdminApiError(response.status, json as GoogleErrorBody | undefined, text);
    return json as T;
  }

  health() {
    return this.request<{ status: string; store: string; version: string; now: string }>('GET', '/health');
  }

  reset(options: { demo?: boolean } = {}) {
    return this.request<{ reset: true }>('POST', '/reset', options);
  }

  createUser(input: { email: string } & Partial<Omit<AdminUser, 'email' | 'domain' | 'name' | 'id'>> & { id?: string; name?: string | { givenName?: string; familyName?: string } }) {
    return this.request<AdminUser>('POST', '/users', input);
  }

  updateUser(ref: string, patch: Partial<Omit<AdminUser, 'email' | 'domain' | 'name' | 'id'>> & { name?: string }) {
    return this.request<AdminUser>('PATCH', `/users/${encodeURIComponent(ref)}`, patch);
  }

  getUser(ref: string) {
    return this.request<AdminUser>('GET', `/users/${encodeURIComponent(ref)}`);
  }

  mintToken(input: { user: string; scopes?: string[]; project?: string; via?: 'oauth' | 'dwd'; serviceAccount?: string; expiresInSeconds?: number }) {
    return this.request<AdminToken>('POST', '/tokens', input);
  }

  limits() {
    return this.request<Record<string, number>>('GET', '/limits');
  }

  setLimits(patch: Record<string, number>) {
    return this.request<Record<string, number>>('PATCH', '/limits', patch);
  }

  clock() {
    return this.request<{ now: string; frozen: boolean }>('GET', '/clock');
  }

  advanceClock(seconds: number) {
    return this.request<{ now: string; frozen: boolean }>('POST', '/clock:advance', { seconds });
  }

  setClock(input: { now?: string; frozen?: boolean }) {
    return this.request<{ now: string; frozen: boolean }>('POST', '/clock', input);
  }

  patchCourse(id: string, patch: { teacherFolderOwner?: string | null; courseState?: string }) {
    return this.request<{ id: string; courseState: string; teacherFolderOwner: string }>('PATCH', `/courses/${encodeURIComponent(id)}`, patch);
  }

  domains() {
    return this.request<{ domains: AdminDomain[] }>('GET', '/domains');
  }

  createDomain(input: { name: string; apiEnabled?: boolean }) {
    return this.request<AdminDomain>('POST', '/domains', input);
  }

  /** Switches a domain's Classroom API access (off: its users get ClassroomApiDisabled). */
  updateDomain(name: string, patch: { apiEnabled: boolean }) {
    return this.request<AdminDomain>('PATCH', `/domains/${encodeURIComponent(name)}`, patch);
  }

  listUsers(filter: { domain?: string } = {}) {
    return this.request<{ users: AdminUser[] }>('GET', `/users${query(filter)}`);
  }

  projects() {
    return this.request<{ projects: AdminProject[] }>('GET', '/projects');
  }

  createProject(input: { id: string; name?: string; number?: string }) {
    return this.request<AdminProject>('POST', '/projects', input);
  }

  grants(filter: { user?: string; project?: string } = {}) {
    return this.request<{ grants: AdminGrant[] }>('GET', `/grants${query(filter)}`);
  }

  /** Records (or replaces) what a user granted a project. */
  putGrant(input: { user: string; project: string; scopes: string[] }) {
    return this.request<AdminGrant>('PUT', '/grants', input);
  }

  deleteGrant(user: string, project: string) {
    return this.request<Record<string, never>>('DELETE', `/grants${query({ user, project })}`);
  }

  tokens(filter: { user?: string } = {}) {
    return this.request<{ tokens: AdminToken[] }>('GET', `/tokens${query(filter)}`);
  }

  revokeToken(token: string) {
    return this.request<Record<string, never>>('DELETE', `/tokens/${encodeURIComponent(token)}`);
  }

  defaultLimits() {
    return this.request<Record<string, number>>('GET', '/limits:defaults');
  }

  /** Every course with member counts, aliases, folder owner, transfer state and pending ownership. */
  courses(filter: { domain?: string; state?: string } = {}) {
    return this.request<{ courses: AdminCourse[] }>('GET', `/courses${query(filter)}`);
  }

  course(id: string) {
    return this.request<AdminCourse>('GET', `/courses/${encodeURIComponent(id)}`);
  }

  /**
   * Adds a fixture: an object (sent as JSON) or fixture text (sent as YAML, of which JSON is a subset).
   */
  loadFixture(fixture: object | string) {
    return typeof fixture === 'string'
      ? this.request<AdminFixtureSummary>('POST', '/fixtures', fixture, 'application/yaml')
      : this.request<AdminFixtureSummary>('POST', '/fixtures', fixture);
  }

  /** The whole state: every table, the limits and the clock. */
  exportState() {
    return this.request<AdminStateExport>('GET', '/state');
  }

  /** Replaces the whole state with an export. */
  importState(state: Pick<AdminStateExport, 'tables'> & Partial<AdminStateExport>) {
    return this.request<{ imported: Record<string, number> }>('POST', '/state', state);
  }

  /** The admin API as an OpenAPI 3.1 document. */
  openApi() {
    return this.request<Record<string, unknown>>('GET', '/openapi.json');
  }

  /** Completes a guardian invitation as if the guardian had followed the email's link. */
  acceptGuardianInvitation(id: string) {
    return this.request<Record<string, unknown>>('POST', `/guardianInvitations/${encodeURIComponent(id)}:accept`);
  }

  coverage() {
    return this.request<{ implemented: number; total: number; methods: { id: string; implemented: boolean }[] }>('GET', '/coverage');
  }
  /** Quota settings; with `user` (and `project`), how much of each meter that caller has used. */
  quota(query: { user?: string; project?: string } = {}) {
    const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    const qs = params.size > 0 ? `?${params}` : '';
    return this.request<{ retryAfter: boolean; limits: Record<string, number>; usage?: QuotaUsage[] }>('GET', `/quota${qs}`);
  }

  /** Turns Retry-After on quota errors on or off. */
  setQuota(patch: { retryAfter?: boolean }) {
    return this.request<{ retryAfter: boolean }>('PATCH', '/quota', patch);
  }

  /** Leaves a `classroom-emulator check` report as the last one (GET /emulator/v1/check/last). */
  publishCheckReport<R extends object>(report: R) {
    return this.request<R>('PUT', '/check/last', report);
  }

  /** The last `classroom-emulator check` report published to this emulator. */
  lastCheckReport<R extends object = Record<string, unknown>>() {
    return this.request<R>('GET', '/check/last');
  }

  /** Scripts faults for a method (`'*'` for any): see the instruction grammar in platform/faults.ts. */
  addFaults(input: { method: string; instructions: string[]; testId?: string }) {
    return this.request<FaultSet>('POST', '/faults', input);
  }

  /** Adds a seeded probability rule. */
  addChaos(input: { method?: string; probability: number; status?: number; delayMs?: number; seed?: number }) {
    return this.request<ChaosRule>('POST', '/faults:chaos', input);
  }

  /** Fault sets and chaos rules, with what each instruction did to which request. */
  faults() {
    return this.request<{ faults: FaultSet[]; chaos: ChaosRule[] }>('GET', '/faults');
  }

  /** Removes every fault set and chaos rule, or one by id. */
  deleteFaults(id?: string) {
    return this.request<{ deleted: number }>('DELETE', id === undefined ? '/faults' : `/faults/${encodeURIComponent(id)}`);
  }

  /** The request log, filtered. */
  requests(filter: { method?: string; user?: string; status?: number; code?: string; testId?: string; since?: string; limit?: number } = {}) {
    const params = new URLSearchParams(
      Object.entries(filter)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    );
    const qs = params.size > 0 ? `?${params}` : '';
    return this.request<{ requests: RequestRecord[]; matched: number }>('GET', `/requests${qs}`);
  }

  /** Empties the request log. */
  clearRequests() {
    return this.request<{ cleared: true }>('DELETE', '/requests');
  }

  /** One logged request with its bodies, and its error explained in `lang` (en, ja, de, ru, it). */
  requestDetail(id: string, lang?: string) {
    return this.request<AdminRequestDetail>('GET', `/requests/${encodeURIComponent(id)}${query({ lang })}`);
  }

  /** The URL of the request log's event stream (server-sent events), for an EventSource. */
  requestStreamUrl(filter: { after?: string; method?: string; status?: number; code?: string; testId?: string } = {}) {
    return `${this.baseUrl.replace(/\/$/, '')}/emulator/v1/requests:stream${query(filter)}`;
  }

  /** Every quota window in use: per project, and per user within a project. */
  quotaWindows() {
    return this.request<{ windows: AdminQuotaWindow[] }>('GET', '/quota:windows');
  }

  /** Everything in one course: members, invitations, course work and submissions, Drive files. */
  courseDetails(id: string) {
    return this.request<AdminCourseDetails>('GET', `/courses/${encodeURIComponent(id)}/details`);
  }

  /** Pub/Sub topics and where they push. */
  topics() {
    return this.request<{ topics: { topicName: string; pushEndpoint: string | null; subscription: string | null; publishable: boolean }[] }>('GET', '/topics');
  }

  /** Every push-notification registration. */
  registrations() {
    return this.request<{ registrations: (Record<string, unknown> & { registrationId: string; userId: string; project: string })[] }>('GET', '/registrations');
  }

  /** Configures a Pub/Sub topic: where its messages are pushed, and whether Classroom may publish to it. */
  putTopic(topicName: string, input: { pushEndpoint?: string | null; subscription?: string; publishable?: boolean }) {
    return this.request<{ topicName: string; pushEndpoint: string | null; subscription: string | null; publishable: boolean }>(
      'PUT',
      `/topics/${encodeURIComponent(topicName)}`,
      input,
    );
  }

  /** Notifications produced for registrations; `wait` first lets queued events and deliveries finish. */
  notifications(filter: { registrationId?: string; topicName?: string; courseId?: string; collection?: string; state?: string; limit?: number; wait?: boolean } = {}) {
    const params = new URLSearchParams(
      Object.entries(filter)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]): [string, string] => [k, String(v)]),
    );
    const qs = params.size > 0 ? `?${params}` : '';
    return this.request<{ notifications: NotificationRecord[] }>('GET', `/notifications${qs}`);
  }

  /** Creates a file in the emulated Drive (what classwork materials and attachments point at). */
  createDriveFile(input: { title: string; mimeType: string; owner: string; sharedWith?: string[]; anyoneWithLink?: boolean; id?: string }) {
    return this.request<AdminDriveFile>('POST', '/drive/files', input);
  }

  /** Every file of the emulated Drive, or one owner's. */
  driveFiles(filter: { owner?: string } = {}) {
    return this.request<{ files: AdminDriveFile[] }>('GET', `/drive/files${filter.owner ? `?owner=${encodeURIComponent(filter.owner)}` : ''}`);
  }

  driveFile(id: string) {
    return this.request<AdminDriveFile>('GET', `/drive/files/${encodeURIComponent(id)}`);
  }

  /** Changes a Drive file's title, owner or sharing. */
  patchDriveFile(id: string, patch: { title?: string; owner?: string; sharedWith?: string[]; anyoneWithLink?: boolean }) {
    return this.request<AdminDriveFile>('PATCH', `/drive/files/${encodeURIComponent(id)}`, patch);
  }

  deleteDriveFile(id: string) {
    return this.request<Record<string, never>>('DELETE', `/drive/files/${encodeURIComponent(id)}`);
  }

  /** Registers a Cloud project as a Classroom add-on (allowed attachment URI prefixes, setup URI). */
  registerAddOn(project: string, input: AddOnInput) {
    return this.request<AdminAddOn>('PUT', `/addOns/${encodeURIComponent(project)}`, input);
  }

  /** Every registered add-on. */
  addOns() {
    return this.request<{ addOns: AdminAddOn[] }>('GET', '/addOns');
  }

  /** Unregisters an add-on. */
  deleteAddOn(project: string) {
    return this.request<Record<string, never>>('DELETE', `/addOns/${encodeURIComponent(project)}`);
  }

  /** Opens an add-on iframe for a user: the URL and query parameters the add-on receives. */
  launchAddOn(project: string, input: LaunchInput) {
    return this.request<Launch>('POST', `/addOns/${encodeURIComponent(project)}:launch`, input);
  }
}

