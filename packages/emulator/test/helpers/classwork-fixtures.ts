import type { Emulator } from '../../src/index.js';
import { officialClient, person, wireBody, type Person } from './harness.js';

/** A school for classwork tests: a domain admin, a teacher and some students. */
export interface School {
  domain: string;
  admin: Person;
  teacher: Person;
  students: Person[];
}

/** Creates a school's people in `domain` (each test file uses its own domain). */
export async function school(emulator: Emulator, domain: string, studentCount = 2): Promise<School> {
  const admin = await person(emulator, `admin@${domain}`, { admin: true });
  const teacher = await person(emulator, `teacher@${domain}`, { name: 'Grace Hopper' });
  const students: Person[] = [];
  for (let i = 1; i <= studentCount; i++) students.push(await person(emulator, `student${i}@${domain}`));
  return { domain, admin, teacher, students };
}

/** An ACTIVE course taught by the school's teacher, with students enrolled by the domain admin. */
export async function course(s: School, students: readonly Person[] = s.students, name = 'Physics'): Promise<string> {
  const { data } = await s.teacher.api.courses.create({ requestBody: { name, ownerId: 'me', courseState: 'ACTIVE' } });
  for (const student of students) await enrol(s, data.id!, student);
  return data.id!;
}

/** Enrols a student through courses.students.create as the domain admin. */
export async function enrol(s: School, courseId: string, student: Person): Promise<void> {
  await s.admin.api.courses.students.create({ courseId, requestBody: { userId: student.email } });
}

/** A second client for the same user, with a token of another Cloud project. */
export async function inProject(emulator: Emulator, who: Person, project: string): Promise<Person> {
  const { accessToken } = await emulator.admin.mintToken({ user: who.email, project });
  return { ...who, token: accessToken, api: officialClient(emulator, accessToken) };
}

/** Drive MIME types the tests use. */
export const DOC = 'application/vnd.google-apps.document';
export const FORM = 'application/vnd.google-apps.form';
export const PDF = 'application/pdf';

/** A file in the emulated Drive owned by `owner`. */
export async function driveFile(emulator: Emulator, owner: Person, title: string, mimeType = DOC, sharedWith: string[] = []) {
  return emulator.admin.createDriveFile({ title, mimeType, owner: owner.email, sharedWith });
}

/** The whole body of a FAILED_PRECONDITION carrying a catalog code. */
export const precondition = (code: string, text: string) => wireBody(code, 'FAILED_PRECONDITION', 400, 'failedPrecondition', `@${code} ${text}`);

/** The whole body of ProjectPermissionDenied. */
export const projectDenied = (what: string) =>
  wireBody(
    'ProjectPermissionDenied',
    'PERMISSION_DENIED',
    403,
    'forbidden',
    `@ProjectPermissionDenied The ${what} was created by another Cloud project; only that project can change it.`,
  );

/** A due date and time `days` after the emulator's clock reading `now`. */
export function dueIn(now: Date, days: number): { dueDate: { year: number; month: number; day: number }; dueTime: { hours: number; minutes: number } } {
  const at = new Date(now.getTime() + days * 86_400_000);
  return {
    dueDate: { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() },
    dueTime: { hours: 23, minutes: 59 },
  };
}
