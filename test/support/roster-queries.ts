import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database';

export async function countRows(db: Kysely<Database>, schoolId: string) {
  const count = async (query: Promise<{ n: string }>) => Number((await query).n);
  return {
    courses: await count(
      db
        .selectFrom('courses')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('school_id', '=', schoolId)
        .executeTakeFirstOrThrow(),
    ),
    users: await count(
      db
        .selectFrom('users')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('school_id', '=', schoolId)
        .executeTakeFirstOrThrow(),
    ),
    courseMembers: await count(
      db
        .selectFrom('course_members')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('school_id', '=', schoolId)
        .executeTakeFirstOrThrow(),
    ),
    activeCourseMembers: await count(
      db
        .selectFrom('course_members')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('school_id', '=', schoolId)
        .where('active', '=', true)
        .executeTakeFirstOrThrow(),
    ),
    classSessions: await count(
      db
        .selectFrom('class_sessions')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .where('school_id', '=', schoolId)
        .executeTakeFirstOrThrow(),
    ),
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
