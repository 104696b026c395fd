/**
 * "Why can't this student see this course?": finds courses by code, title or SIS id, and for one
 * course gathers what answers it: is it in CourseKey and active, its attendance method and
 * settings, its members with their status and email, and what changed recently.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, Modality } from '../db/database';

export interface CourseMatch {
  sisKey: string;
  sectionCode: string;
  title: string;
  startDate: string | null;
  endDate: string | null;
  active: boolean;
  activeMembers: number;
}

export const COURSE_SEARCH_LIMIT = 50;

export async function searchCourses(
  db: Kysely<Database>,
  schoolId: string,
  text: string,
): Promise<CourseMatch[]> {
  const pattern = `%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .selectFrom('courses as c')
    .select([
      'c.sis_key',
      'c.section_code',
      'c.title',
      'c.start_date',
      'c.end_date',
      'c.active',
      (eb) =>
        eb
          .selectFrom('course_members as m')
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .whereRef('m.school_id', '=', 'c.school_id')
          .whereRef('m.course_sis_key', '=', 'c.sis_key')
          .where('m.active', '=', true)
          .as('active_members'),
    ])
    .where('c.school_id', '=', schoolId)
    .where((eb) =>
      eb.or([
        eb('c.section_code', 'ilike', pattern),
        eb('c.title', 'ilike', pattern),
        eb('c.sis_key', 'ilike', pattern),
      ]),
    )
    .orderBy('c.section_code')
    .limit(COURSE_SEARCH_LIMIT)
    .execute();
  return rows.map((row) => ({
    sisKey: row.sis_key,
    sectionCode: row.section_code,
    title: row.title,
    startDate: row.start_date,
    endDate: row.end_date,
    active: row.active,
    activeMembers: Number(row.active_members ?? 0),
  }));
}

export interface CourseMember {
  userSisKey: string;
  name: string;
  email: string | null;
  role: 'student' | 'instructor';
  sisStatus: string;
  /** Whether the membership is active (registered) in CourseKey. */
  active: boolean;
  /** Whether the user exists in CourseKey and is active there. */
  userActive: boolean | null;
  /** When the SIS last changed this membership after it was first synced; null if never. */
  changedAt: string | null;
}

export interface CourseDetails {
  sisKey: string;
  sectionCode: string;
  title: string;
  active: boolean;
  sisStatus: string;
  termSisId: string;
  deliveryMethod: string;
  attendanceMethod: string;
  modality: Modality;
  /** The attendance method's settings from the School Configuration, when it defines it. */
  attendanceSettings: Record<string, unknown> | null;
  startDate: string | null;
  endDate: string | null;
  minutesPerDay: number | null;
  lmsCode: string | null;
  createdAt: string;
  updatedAt: string;
  sessions: { total: number; first: string | null; last: string | null; next: string | null };
  members: CourseMember[];
  openIssues: { rule: string; severity: string; message: string }[];
}

export async function courseDetails(
  db: Kysely<Database>,
  schoolId: string,
  sisKey: string,
): Promise<CourseDetails | undefined> {
  const course = await db
    .selectFrom('courses')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('sis_key', '=', sisKey)
    .executeTakeFirst();
  if (!course) return undefined;

  const [school, sessions, members, issues] = await Promise.all([
    db.selectFrom('schools').select('config').where('id', '=', schoolId).executeTakeFirstOrThrow(),
    db
      .selectFrom('class_sessions')
      .select([
        sql<string>`count(*)`.as('total'),
        sql<string | null>`min(session_date)::text`.as('first'),
        sql<string | null>`max(session_date)::text`.as('last'),
        sql<string | null>`min(session_date) FILTER (WHERE session_date >= current_date)::text`.as('next'),
      ])
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', sisKey)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('course_members as m')
      .leftJoin('users as u', (join) =>
        join.onRef('u.school_id', '=', 'm.school_id').onRef('u.sis_key', '=', 'm.user_sis_key'),
      )
      .select([
        'm.user_sis_key',
        'm.role',
        'm.sis_status',
        'm.active',
        'm.updated_at',
        'm.created_at',
        'u.first_name',
        'u.last_name',
        'u.email',
        'u.active as user_active',
      ])
      .where('m.school_id', '=', schoolId)
      .where('m.course_sis_key', '=', sisKey)
      .orderBy('m.role', 'desc')
      .orderBy('m.active', 'desc')
      .orderBy('u.last_name')
      .orderBy('u.first_name')
      .execute(),
    db
      .selectFrom('sync_issues')
      .select(['rule', 'severity', 'message'])
      .where('school_id', '=', schoolId)
      .where('resolved_at', 'is', null)
      .where((eb) => eb.or([eb('sis_key', '=', sisKey), eb('sis_key', 'like', `${sisKey}:%`)]))
      .orderBy('last_seen_at', 'desc')
      .execute(),
  ]);

  const methods = (school.config as { attendanceMethods?: Record<string, Record<string, unknown>> })
    .attendanceMethods;
  return {
    sisKey: course.sis_key,
    sectionCode: course.section_code,
    title: course.title,
    active: course.active,
    sisStatus: course.sis_status,
    termSisId: course.term_sis_id,
    deliveryMethod: course.delivery_method_name,
    attendanceMethod: course.attendance_method,
    modality: course.modality,
    attendanceSettings: methods?.[course.attendance_method] ?? null,
    startDate: course.start_date,
    endDate: course.end_date,
    minutesPerDay: course.minutes_per_day,
    lmsCode: course.lms_code,
    createdAt: course.created_at.toISOString(),
    updatedAt: course.updated_at.toISOString(),
    sessions: {
      total: Number(sessions.total),
      first: sessions.first,
      last: sessions.last,
      next: sessions.next,
    },
    members: members.map((m) => ({
      userSisKey: m.user_sis_key,
      name: m.first_name === null ? '(not in CourseKey)' : `${m.first_name} ${m.last_name}`,
      email: m.email,
      role: m.role,
      sisStatus: m.sis_status,
      active: m.active,
      userActive: m.user_active,
      changedAt: m.updated_at > m.created_at ? m.updated_at.toISOString() : null,
    })),
    openIssues: issues,
  };
}
