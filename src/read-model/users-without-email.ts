/** A school's active users without an email address: they cannot sign in to CourseKey. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';

export interface UserWithoutEmail {
  sisKey: string;
  kind: 'student' | 'user';
  sisId: string;
  studentNumber: string | null;
  firstName: string;
  lastName: string;
  roles: string[];
  sisStatus: string;
  /** Their active course memberships: the courses they cannot reach. */
  activeCourses: number;
}

export async function usersWithoutEmail(db: Kysely<Database>, schoolId: string): Promise<UserWithoutEmail[]> {
  const rows = await db
    .selectFrom('users as u')
    .select([
      'u.sis_key',
      'u.sis_kind',
      'u.sis_id',
      'u.student_number',
      'u.first_name',
      'u.last_name',
      'u.roles',
      'u.sis_status',
      (eb) =>
        eb
          .selectFrom('course_members as m')
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .whereRef('m.school_id', '=', 'u.school_id')
          .whereRef('m.user_sis_key', '=', 'u.sis_key')
          .where('m.active', '=', true)
          .as('active_courses'),
    ])
    .where('u.school_id', '=', schoolId)
    .where('u.active', '=', true)
    .where((eb) => eb.or([eb('u.email', 'is', null), eb('u.email', '=', '')]))
    .orderBy('u.last_name')
    .orderBy('u.first_name')
    .orderBy('u.sis_key')
    .execute();
  return rows.map((row) => ({
    sisKey: row.sis_key,
    kind: row.sis_kind,
    sisId: row.sis_id,
    studentNumber: row.student_number,
    firstName: row.first_name,
    lastName: row.last_name,
    roles: row.roles,
    sisStatus: row.sis_status,
    activeCourses: Number(row.active_courses ?? 0),
  }));
}
