/**
 * Every limit the emulator enforces, in one object. Defaults are production's published values (see
 * the README's table for their sources); the admin API changes them at run time.
 */
export interface Limits {
  /** Teachers plus students in one course. */
  courseMembers: number;
  /** Teachers in one course. */
  courseTeachers: number;
  /** Guardians of one student. */
  studentGuardians: number;
  /** Courses a user may join in a rolling day. */
  userDailyJoins: number;
  /** Direct group memberships of one user (each course membership is one). */
  userGroupMemberships: number;
  /** Topics in one course. */
  courseTopics: number;
  /**
   * Student groups in one course. Production has a maximum (courses.studentGroups.create names the
   * FAILED_PRECONDITION it raises) but does not publish the number; the default is a modelling choice.
   */
  courseStudentGroups: number;
  /**
   * Members of one student group. Production has a maximum (studentGroupMembers.create names the
   * FAILED_PRECONDITION it raises) but does not publish the number; the default is a modelling choice.
   */
  studentGroupMembers: number;
  /** Queries per minute per client project. */
  projectQueriesPerMinute: number;
  /** Queries per minute per user. */
  userQueriesPerMinute: number;
  /** Queries per day per client project. */
  projectQueriesPerDay: number;
  /** Length of the moving quota window, in seconds. */
  quotaWindowSeconds: number;
  /** How long an ownership transfer takes to complete, in seconds. */
  ownershipTransferSeconds: number;
  /** Largest page a list method returns. */
  maxPageSize: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  courseMembers: 1000,
  courseTeachers: 20,
  studentGuardians: 20,
  userDailyJoins: 30,
  userGroupMemberships: 3000,
  courseTopics: 1000,
  courseStudentGroups: 200,
  studentGroupMembers: 1000,
  projectQueriesPerMinute: 3000,
  userQueriesPerMinute: 1200,
  projectQueriesPerDay: 4_000_000,
  quotaWindowSeconds: 60,
  ownershipTransferSeconds: 300,
  maxPageSize: 1000,
});

/** The limit names, for validating admin input. */
export const LIMIT_NAMES = Object.freeze(Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]);
