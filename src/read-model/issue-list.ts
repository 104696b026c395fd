/** The issues page's query: a school's issues, open and resolved, filtered as the admin asks. */
import { sql, type Kysely } from 'kysely';
import type { Database, Severity } from '../db/database';
import type { RecordType } from '../coursekey/record-types';

export interface IssueFilter {
  state: 'open' | 'resolved' | 'all';
  severity: Severity | undefined;
  recordType: RecordType | undefined;
  /** Matches the record's SIS key, the rule or the message. */
  text: string | undefined;
}

export interface IssueRow {
  id: string;
  recordType: string;
  sisKey: string;
  rule: string;
  severity: Severity;
  message: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  /** The course the issue is about (a course's, its members' or sessions'), when it is in CourseKey. */
  course: { sisKey: string; sectionCode: string; title: string } | null;
}

export const ISSUE_PAGE_SIZE = 200;

/** Course members' and class sessions' SIS keys start with their course's: `<course>:...`. */
const courseRecordTypes: RecordType[] = ['courses', 'course_members', 'class_sessions'];

export async function listIssues(
  db: Kysely<Database>,
  schoolId: string,
  filter: IssueFilter,
  limit = ISSUE_PAGE_SIZE,
): Promise<{ issues: IssueRow[]; total: number }> {
  let query = db.selectFrom('sync_issues as i').where('i.school_id', '=', schoolId);
  if (filter.state === 'open') query = query.where('i.resolved_at', 'is', null);
  if (filter.state === 'resolved') query = query.where('i.resolved_at', 'is not', null);
  if (filter.severity) query = query.where('i.severity', '=', filter.severity);
  if (filter.recordType) query = query.where('i.record_type', '=', filter.recordType);
  if (filter.text) {
    const pattern = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('i.sis_key', 'ilike', pattern),
        eb('i.rule', 'ilike', pattern),
        eb('i.message', 'ilike', pattern),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    query
      .leftJoin('courses as c', (join) =>
        join
          .onRef('c.school_id', '=', 'i.school_id')
          .on('i.record_type', 'in', courseRecordTypes)
          .on('c.sis_key', '=', sql<string>`split_part(i.sis_key, ':', 1)`),
      )
      .selectAll('i')
      .select(['c.sis_key as course_sis_key', 'c.section_code', 'c.title'])
      .orderBy(sql`i.resolved_at IS NULL`, 'desc')
      .orderBy(sql`CASE i.severity WHEN 'blocking' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`)
      .orderBy('i.last_seen_at', 'desc')
      .orderBy('i.id')
      .limit(limit)
      .execute(),
    query.select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    issues: rows.map((row) => ({
      id: row.id,
      recordType: row.record_type,
      sisKey: row.sis_key,
      rule: row.rule,
      severity: row.severity,
      message: row.message,
      firstSeenAt: row.first_seen_at.toISOString(),
      lastSeenAt: row.last_seen_at.toISOString(),
      resolvedAt: row.resolved_at?.toISOString() ?? null,
      course:
        row.course_sis_key !== null && row.section_code !== null && row.title !== null
          ? { sisKey: row.course_sis_key, sectionCode: row.section_code, title: row.title }
          : null,
    })),
  };
}
