import type { Fixture, FixtureCourse, FixtureUser } from './fixture.js';

/** The size of a generated district. */
export interface DistrictSize {
  /** Users in all: one admin, then teachers (one in 20 by default), the rest students. */
  users: number;
  courses: number;
  /** Student enrollments across all courses. */
  enrollments: number;
  /** The district's domain. Default `district.example`. */
  domain?: string;
  /** Seeds the shuffle, so that the same size gives the same district. Default 1. */
  seed?: number;
}

/** The benchmark's full size: 100,000 users, 5,000 courses, 200,000 enrollments. */
export const FULL_DISTRICT: Readonly<DistrictSize> = Object.freeze({ users: 100_000, courses: 5_000, enrollments: 200_000 });

/**
 * A deterministic district as a fixture: one admin (`admin@<domain>`, token `district-admin`),
 * teachers `t<n>@`, students `s<n>@`, and courses `c<n>` each owned by a teacher with its students
 * spread evenly, no student twice in one course. The same size and seed always give the same fixture.
 *
 * @example
 * ```ts
 * await loadFixture(env, generateDistrict({ users: 1000, courses: 50, enrollments: 2000 }));
 * ```
 */
export function generateDistrict(size: DistrictSize): Fixture {
  const domain = size.domain ?? 'district.example';
  const teacherCount = Math.max(1, Math.min(size.courses, Math.floor(size.users / 20)));
  const studentCount = Math.max(1, size.users - teacherCount - 1);
  if (size.courses > 0 && size.enrollments > size.courses * studentCount) {
    throw new RangeError(`${size.enrollments} enrollments do not fit in ${size.courses} courses of at most ${studentCount} students`);
  }
  const users: FixtureUser[] = [{ email: `admin@${domain}`, name: 'District Admin', admin: true }];
  for (let t = 0; t < teacherCount; t++) users.push({ email: `t${t}@${domain}`, name: `Teacher ${t}`, verifiedTeacher: true });
  for (let s = 0; s < studentCount; s++) users.push({ email: `s${s}@${domain}`, name: `Student ${s}`, canCreateCourses: false });

  // A seeded stride walks the students so that courses get different mixes without repeats.
  let state = (size.seed ?? 1) >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const courses: FixtureCourse[] = [];
  const perCourse = size.courses > 0 ? Math.floor(size.enrollments / size.courses) : 0;
  const extra = size.courses > 0 ? size.enrollments % size.courses : 0;
  for (let c = 0; c < size.courses; c++) {
    const count = perCourse + (c < extra ? 1 : 0);
    const start = next() % studentCount;
    const students: string[] = [];
    for (let k = 0; k < count; k++) students.push(`s${(start + k) % studentCount}@${domain}`);
    courses.push({
      key: `c${c}`,
      name: `Course ${c}`,
      section: `Period ${(c % 8) + 1}`,
      owner: `t${c % teacherCount}@${domain}`,
      state: 'ACTIVE',
      students,
    });
  }
  return {
    domains: [{ name: domain }],
    users,
    tokens: [{ user: `admin@${domain}`, token: 'district-admin' }],
    courses,
  };
}
