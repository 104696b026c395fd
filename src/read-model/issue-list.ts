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
}

export const ISSUE_PAGE_SIZE = 200;

export async function listIssues(
  db: Kysely<Database>,
  schoolId: string,
  filter: IssueFilter,
): Promise<{ issues: IssueRow[]; total: number }> {
  let query = db.selectFrom('sync_issues').where('school_id', '=', schoolId);
  if (filter.state === 'open') query = query.where('resolved_at', 'is', null);
  if (filter.state === 'resolved') query = query.where('resolved_at', 'is not', null);
  if (filter.severity) query = query.where('severity', '=', filter.severity);
  if (filter.recordType) query = query.where('record_type', '=', filter.recordType);
  if (filter.text) {
    const pattern = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('sis_key', 'ilike', pattern), eb('rule', 'ilike', pattern), eb('message', 'ilike', pattern)]),
    );
  }
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy(sql`resolved_at IS NULL`, 'desc')
      .orderBy(sql`CASE severity WHEN 'blocking' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`)
      .orderBy('last_seen_at', 'desc')
      .orderBy('id')
      .limit(ISSUE_PAGE_SIZE)
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
    })),
  };
}
