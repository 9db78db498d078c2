/**
 * Table rows as stored: snake_case, flat, portable between SQLite and PostgreSQL. Booleans are 0/1
 * integers and times are epoch milliseconds so that both dialects read back identical values.
 * API resources are built from these rows by the mappers in each api/<resource>/schema.ts.
 */

export type Flag = 0 | 1;
export type UserState = 'ACTIVE' | 'SUSPENDED' | 'DELETED';
export type CourseRole = 'STUDENT' | 'TEACHER';
export type InvitationRole = 'STUDENT' | 'TEACHER' | 'OWNER';

export interface DomainRow {
  name: string;
  /** The domain's admin switched Classroom API access off. */
  api_enabled: Flag;
  created_at: number;
}

export interface UserRow {
  id: string;
  email: string;
  domain: string;
  given_name: string;
  family_name: string;
  is_admin: Flag;
  can_create_courses: Flag;
  classroom_enabled: Flag;
  api_enabled: Flag;
  state: UserState;
  /** Group memberships the user has outside Classroom; each course membership adds one more. */
  group_memberships: number;
  verified_teacher: Flag;
  created_at: number;
}

export interface ProjectRow {
  id: string;
  number: string;
  name: string;
  created_at: number;
}

export interface GrantRow {
  user_id: string;
  project_id: string;
  /** Space-separated OAuth scopes. */
  scopes: string;
  created_at: number;
}

export interface TokenRow {
  token: string;
  user_id: string;
  project_id: string;
  scopes: string;
  /** How the token was obtained: an OAuth grant, or a service account through domain-wide delegation. */
  via: 'oauth' | 'dwd';
  service_account: string | null;
  expires_at: number | null;
  created_at: number;
}

export interface CourseRow {
  id: string;
  name: string;
  section: string | null;
  description_heading: string | null;
  description: string | null;
  room: string | null;
  owner_id: string;
  course_state: string;
  enrollment_code: string;
  creation_time: number;
  update_time: number;
  teacher_folder_id: string;
  /** Who owns the course's Drive folder: the owner, unless an admin setting says otherwise. */
  teacher_folder_owner_id: string | null;
  guardians_enabled: Flag;
  calendar_id: string;
  /** The Cloud project whose call created the course. */
  project_id: string | null;
  /** JSON of GradingPeriodSettings, or null when never set. */
  grading_period_settings: string | null;
  /** Course.subject (revision 20260111), or null. */
  subject: string | null;
  /** JSON of GradebookSettings. */
  gradebook_settings: string | null;
  /** The previous owner while an ownership transfer is still completing. */
  transfer_from_id: string | null;
  transfer_done_at: number | null;
}

export interface CourseAliasRow {
  /** The alias as the API shows it: `d:name` or `p:name`. */
  alias: string;
  /** The namespace it is unique in: a domain name for `d:`, a project id for `p:`. */
  namespace: string;
  course_id: string;
  created_at: number;
}

export interface CourseMemberRow {
  course_id: string;
  user_id: string;
  role: CourseRole;
  created_at: number;
}

/** One course join, kept for the rolling daily join limit. */
export interface JoinRow {
  user_id: string;
  course_id: string;
  at: number;
}

export interface InvitationRow {
  id: string;
  course_id: string;
  user_id: string;
  role: InvitationRole;
  created_at: number;
}

export interface GuardianRow {
  student_id: string;
  guardian_id: string;
  invited_email: string;
  created_at: number;
}

export interface GuardianInvitationRow {
  id: string;
  student_id: string;
  invited_email: string;
  state: 'PENDING' | 'COMPLETE';
  created_at: number;
}

/** Emulator-wide settings (limits, clock) shared by every process on one database. */
export interface SettingRow {
  key: string;
  value: string;
}

export interface Database {
  domains: DomainRow;
  users: UserRow;
  projects: ProjectRow;
  grants: GrantRow;
  tokens: TokenRow;
  courses: CourseRow;
  course_aliases: CourseAliasRow;
  course_members: CourseMemberRow;
  course_joins: JoinRow;
  invitations: InvitationRow;
  guardians: GuardianRow;
  guardian_invitations: GuardianInvitationRow;
  settings: SettingRow;
}

/** Every table, children first: the order to delete in, and the reverse of the order to insert in. */
export const TABLES: readonly (keyof Database)[] = [
  'student_group_members',
  'student_groups',
  'add_on_submissions',
  'add_on_attachments',
  'add_on_tokens',
  'add_ons',
  'rubrics',
  'student_submissions',
  'classwork_items',
  'topics',
  'drive_files',
  'registrations',
  'pubsub_topics',
  'quota_counters',
  'quota_keys',
  'course_joins',
  'guardian_invitations',
  'guardians',
  'invitations',
  'course_members',
  'course_aliases',
  'courses',
  'tokens',
  'grants',
  'projects',
  'users',
  'domains',
  'settings',
];
