import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database';

export async function countRows(db: Kysely<Database>, schoolId: string) {
  const count = async (
    table: 'courses' | 'users' | 'course_members' | 'class_sessions',
    activeOnly = false,
  ) => {
    const row = await db
      .selectFrom(table)
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .where('school_id', '=', schoolId)
      .$if(activeOnly, (query) => query.where(sql<boolean>`active`))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    courses: await count('courses'),
    users: await count('users'),
    courseMembers: await count('course_members'),
    activeCourseMembers: await count('course_members', true),
    classSessions: await count('class_sessions'),
  };
}

/**
 * A fingerprint of every roster row of a school, timestamps included but surrogate ids and
 * row order excluded: equal before and after means nothing was written. With `contentOnly`,
 * timestamps are left out too, to compare two databases that synced the same SIS.
 */
export async function rosterChecksum(
  db: Kysely<Database>,
  schoolId: string,
  contentOnly = false,
): Promise<string> {
  const tables = ['catalog_courses', 'courses', 'users', 'instructors', 'course_members', 'class_sessions'];
  const parts: string[] = [];
  for (const table of tables) {
    const drop = contentOnly ? `- 'id' - 'created_at' - 'updated_at' - 'school_id'` : `- 'id'`;
    const row = await sql<{ digest: string | null }>`
      SELECT md5(string_agg((to_jsonb(t) ${sql.raw(drop)})::text, '|' ORDER BY t.sis_key)) AS digest
      FROM ${sql.table(table)} t WHERE t.school_id = ${schoolId}
    `.execute(db);
    parts.push(`${table}:${row.rows[0]?.digest ?? 'empty'}`);
  }
  return parts.join(' ');
}
