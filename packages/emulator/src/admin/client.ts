import type { GoogleErrorBody } from 'classroom-errors';

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
  constructor(readonly baseUrl: string) {}

  /** Any admin call: `request('GET', '/health')`. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/emulator/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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
    return this.request<{ status: string; store: string; now: string }>('GET', '/health');
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

  coverage() {
    return this.request<{ implemented: number; total: number; methods: { id: string; implemented: boolean }[] }>('GET', '/coverage');
  }
}
