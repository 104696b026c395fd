/**
 * The enablement dry run's report, read from what the run wrote (its counts and findings), as
 * JSON for tools and Markdown for people.
 */
import type { Kysely } from 'kysely';
import { runCounts, type RunCounts } from '../db/run-bookkeeping';
import { checklistRules } from '../coursekey/course-checklist';
import { type Database, type Severity } from '../db/database';
import { recordTypeLabels, recordTypes } from '../coursekey/record-types';
import { describeSkipped } from '../coursekey/skip-reasons';

export interface Finding {
  recordType: string;
  sisKey: string;
  rule: string;
  severity: Severity;
  message: string;
  details: Record<string, unknown>;
}

export interface DryRunReport {
  schoolId: string;
  workflowId: string;
  status: string;
  message: string | null;
  startedAt: string;
  finishedAt: string | null;
  /**
   * Per record type: what a real run would fetch, create, update, leave, deactivate, fail on, and
   * skip (with the count per reason).
   */
  wouldChange: RunCounts;
  blockingProblems: number;
  warnings: number;
  /** Course-setup checklist violations, grouped by rule. */
  checklist: Record<string, Finding[]>;
  unmappedDeliveryMethods: Finding[];
  usersWithoutEmail: string[];
  otherFindings: Finding[];
}

export async function buildDryRunReport(db: Kysely<Database>, syncRunId: string): Promise<DryRunReport> {
  const run = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('id', '=', syncRunId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('dry_run_findings')
    .selectAll()
    .where('sync_run_id', '=', syncRunId)
    .orderBy('rule')
    .orderBy('sis_key')
    .execute();
  const findings: Finding[] = rows.map((row) => ({
    recordType: row.record_type,
    sisKey: row.sis_key,
    rule: row.rule,
    severity: row.severity,
    message: row.message,
    details: row.details,
  }));
  const isChecklist = (rule: string) => (checklistRules as readonly string[]).includes(rule);
  const checklist: Record<string, Finding[]> = {};
  for (const finding of findings.filter((f) => isChecklist(f.rule))) {
    (checklist[finding.rule] ??= []).push(finding);
  }
  return {
    schoolId: run.school_id,
    workflowId: run.workflow_id,
    status: run.status,
    message: run.message,
    startedAt: run.started_at.toISOString(),
    finishedAt: run.finished_at?.toISOString() ?? null,
    wouldChange: await runCounts(db, syncRunId),
    blockingProblems: findings.filter((f) => f.severity === 'blocking').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    checklist,
    unmappedDeliveryMethods: findings.filter((f) => f.rule === 'unmapped-delivery-method'),
    usersWithoutEmail: findings.filter((f) => f.rule === 'user-without-email').map((f) => f.sisKey),
    otherFindings: findings.filter(
      (f) => !isChecklist(f.rule) && f.rule !== 'unmapped-delivery-method' && f.rule !== 'user-without-email',
    ),
  };
}

export function renderDryRunMarkdown(report: DryRunReport, workflowLink: string): string {
  const lines = [
    `# Enablement dry run: ${report.schoolId}`,
    '',
    `Run [${report.workflowId}](${workflowLink}), ${report.status}, ${report.startedAt}.` +
      (report.message ? ` ${report.message}` : ''),
    '',
    `**${report.blockingProblems} blocking problems, ${report.warnings} warnings.**`,
    '',
    '## What a real sync would do',
    '',
    '| record type | fetched | would create | would update | unchanged | would deactivate | failed | skipped |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...recordTypes.map((type) => {
      const c = report.wouldChange[type];
      return `| ${recordTypeLabels[type]} | ${c.fetched} | ${c.created} | ${c.updated} | ${c.unchanged} | ${c.deactivated} | ${c.failed} | ${c.skipped} |`;
    }),
    '',
    'Fetched = would create + would update + unchanged + failed + skipped; a record the SIS lists as inactive is among the updates.',
    ...recordTypes
      .filter((type) => report.wouldChange[type].skipped > 0)
      .map(
        (type) =>
          `- ${recordTypeLabels[type]} skipped: ${describeSkipped(type, report.wouldChange[type].skippedBy)}`,
      ),
    '',
    '## Course setup checklist',
    '',
  ];
  const rules = Object.keys(report.checklist);
  if (rules.length === 0) lines.push('Every synced section passes the checklist.', '');
  for (const rule of rules) {
    lines.push(`### ${rule} (${report.checklist[rule]!.length})`, '');
    for (const finding of report.checklist[rule]!) lines.push(`- ${finding.message}`);
    lines.push('');
  }
  lines.push('## Unmapped delivery methods', '');
  if (report.unmappedDeliveryMethods.length === 0) lines.push('None.');
  for (const finding of report.unmappedDeliveryMethods) lines.push(`- ${finding.message}`);
  lines.push('', `## Users without email (${report.usersWithoutEmail.length})`, '');
  lines.push(
    report.usersWithoutEmail.length
      ? `They are synced but cannot sign in: ${report.usersWithoutEmail.join(', ')}. Add their emails in Campus Cloud.`
      : 'None.',
  );
  if (report.otherFindings.length) {
    lines.push('', '## Other findings', '');
    for (const finding of report.otherFindings) lines.push(`- (${finding.severity}) ${finding.message}`);
  }
  return `${lines.join('\n')}\n`;
}
