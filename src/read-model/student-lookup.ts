/**
 * "Why can't this student see this course?" from the student's side: finds a school's users by SIS
 * id, student number, email or name, and for one user gathers their account and email state, every
 * course membership with its state, and the open issues about them (an enrollment the sync could
 * not take, a shared or missing email).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import { membershipState, type MembershipState } from '../coursekey/membership-state';

export interface UserMatch {
  sisKey: string;
  kind: 'student' | 'user';
  sisId: string;
  studentNumber: string | null;
  name: string;
  email: string | null;
  active: boolean;
}

export const USER_SEARCH_LIMIT = 50;

const likePattern = (text: string) => `%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchUsers(
  db: Kysely<Database>,
  schoolId: string,
  text: string,
): Promise<UserMatch[]> {
  const exact = text.trim();
  const pattern = likePattern(text);
  const rows = await db
    .selectFrom('users')
    .select(['sis_key', 'sis_kind', 'sis_id', 'student_number', 'first_name', 'last_name', 'email', 'active'])
    .where('school_id', '=', schoolId)
    .where((eb) =>
      eb.or([
        eb('sis_id', '=', exact),
        eb('student_number', '=', exact),
        eb('sis_key', '=', exact),
        eb('email', 'ilike', pattern),
        eb(sql<string>`first_name || ' ' || last_name`, 'ilike', pattern),
        eb(sql<string>`last_name || ', ' || first_name`, 'ilike', pattern),
      ]),
    )
    .orderBy('last_name')
    .orderBy('first_name')
    .orderBy('sis_key')
    .limit(USER_SEARCH_LIMIT)
    .execute();
  return rows.map((row) => ({
    sisKey: row.sis_key,
    kind: row.sis_kind,
    sisId: row.sis_id,
    studentNumber: row.student_number,
    name: `${row.first_name} ${row.last_name}`,
    email: row.email,
    active: row.active,
  }));
}

export interface UserMembership {
  courseSisKey: string;
  /** Null when the course is not in CourseKey. */
  sectionCode: string | null;
  title: string | null;
  startDate: string | null;
  endDate: string | null;
  role: 'student' | 'instructor';
  sisStatus: string;
  enrolledFrom: string | null;
  enrolledUntil: string | null;
  state: MembershipState | 'course not in CourseKey';
  reason: string;
}

export interface UserDetails extends UserMatch {
  roles: string[];
  sisStatus: string;
  /** Why the user cannot sign in to CourseKey, or null when nothing stops them. */
  signInProblem: string | null;
  memberships: UserMembership[];
  openIssues: { recordType: string; sisKey: string; rule: string; severity: string; message: string }[];
}

export async function userDetails(
  db: Kysely<Database>,
  schoolId: string,
  sisKey: string,
  /** The campus date: memberships starting later are "future start". */
  today: string,
): Promise<UserDetails | undefined> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('sis_key', '=', sisKey)
    .executeTakeFirst();
  if (!user) return undefined;

  const [members, issues] = await Promise.all([
    db
      .selectFrom('course_members as m')
      .leftJoin('courses as c', (join) =>
        join.onRef('c.school_id', '=', 'm.school_id').onRef('c.sis_key', '=', 'm.course_sis_key'),
      )
      .select([
        'm.course_sis_key',
        'm.role',
        'm.sis_status',
        'm.active',
        'm.enrolled_from',
        'm.enrolled_until',
        'c.section_code',
        'c.title',
        'c.start_date',
        'c.end_date',
        'c.active as course_active',
        'c.sis_status as course_sis_status',
      ])
      .where('m.school_id', '=', schoolId)
      .where('m.user_sis_key', '=', sisKey)
      .orderBy('m.active', 'desc')
      .orderBy('c.start_date', 'desc')
      .orderBy('c.section_code')
      .execute(),
    // The user's own issues, and those of their memberships (keyed `<course>:<role>:<user key>`).
    db
      .selectFrom('sync_issues')
      .select(['record_type', 'sis_key', 'rule', 'severity', 'message'])
      .where('school_id', '=', schoolId)
      .where('resolved_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('sis_key', '=', sisKey),
          eb('sis_key', 'like', `%:${sisKey.replace(/[\\%_]/g, (c) => `\\${c}`)}`),
        ]),
      )
      .orderBy('last_seen_at', 'desc')
      .execute(),
  ]);

  const signInProblem = !user.active
    ? `Inactive in CourseKey (SIS status ${user.sis_status}): they cannot sign in.`
    : !user.email
      ? 'No email address in Campus Cloud: they cannot sign in to CourseKey. Add it there; the next sync brings it over.'
      : null;

  return {
    sisKey: user.sis_key,
    kind: user.sis_kind,
    sisId: user.sis_id,
    studentNumber: user.student_number,
    name: `${user.first_name} ${user.last_name}`,
    email: user.email,
    active: user.active,
    roles: user.roles,
    sisStatus: user.sis_status,
    signInProblem,
    memberships: members.map((m) => {
      const shared = {
        courseSisKey: m.course_sis_key,
        sectionCode: m.section_code,
        title: m.title,
        startDate: m.start_date,
        endDate: m.end_date,
        role: m.role,
        sisStatus: m.sis_status,
        enrolledFrom: m.enrolled_from,
        enrolledUntil: m.enrolled_until,
      };
      if (m.course_active === null || m.course_sis_status === null)
        return {
          ...shared,
          state: 'course not in CourseKey' as const,
          reason:
            'The section is not in CourseKey: see its issues, or whether it is outside the sync window.',
        };
      return {
        ...shared,
        ...membershipState(
          {
            memberActive: m.active,
            memberSisStatus: m.sis_status,
            enrolledFrom: m.enrolled_from,
            enrolledUntil: m.enrolled_until,
            courseActive: m.course_active,
            courseSisStatus: m.course_sis_status,
            courseStart: m.start_date,
            courseEnd: m.end_date,
          },
          today,
        ),
      };
    }),
    openIssues: issues.map((i) => ({
      recordType: i.record_type,
      sisKey: i.sis_key,
      rule: i.rule,
      severity: i.severity,
      message: i.message,
    })),
  };
}
