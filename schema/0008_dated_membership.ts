import { sql, type Kysely } from 'kysely';

/**
 * Dated membership (src/coursekey/enrollment-dates.ts): a student is posted for the sessions of
 * the dates their enrollment covers, also after a drop or withdrawal. The SIS's status date is the
 * registration date while Registered and the drop's date after, so the registration date is kept
 * apart (enrolled_from), with the last date an inactive membership covers (enrolled_until).
 * Existing rows get what they show: a Registered member's status date, a drop's status date, or
 * for a membership the SIS stopped listing the day it was deactivated. The update makes every
 * course with such a member due (the triggers of schema/0005), so the sessions of dropped and
 * withdrawn students that were never posted are posted by the next run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE course_members ADD COLUMN enrolled_from date, ADD COLUMN enrolled_until date;
    UPDATE course_members SET
      enrolled_from = CASE WHEN sis_status = 'Registered' THEN status_date END,
      enrolled_until = CASE
        WHEN active THEN NULL
        WHEN sis_status IN ('Dropped', 'Withdrawn') THEN coalesce(status_date, updated_at::date)
        ELSE updated_at::date
      END
    WHERE role = 'student' AND (NOT active OR (sis_status = 'Registered' AND status_date IS NOT NULL));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE course_members DROP COLUMN enrolled_from, DROP COLUMN enrolled_until`.execute(db);
}
