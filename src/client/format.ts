/** Human output of the CLI: short tables a person reads at a glance. */
import type { RunCounts } from '../db/run-bookkeeping';
import { recordTypeLabels, recordTypes, type RecordType } from '../coursekey/record-types';
import { describeSkipped } from '../coursekey/skip-reasons';
import type { SchoolStatus } from '../read-model/school-status';

const label = (type: RecordType) => recordTypeLabels[type].toLowerCase();
const columns = ['fetched', 'created', 'updated', 'unchanged', 'deactivated', 'failed', 'skipped'] as const;

/** The counts table, then why records were skipped, per record type. */
export function formatRunCounts(counts: RunCounts): string {
  const header = ['record type'.padEnd(16), ...columns.map((c) => c.padStart(12))].join('');
  const rows = recordTypes.map((type) =>
    [label(type).padEnd(16), ...columns.map((c) => String(counts[type][c]).padStart(12))].join(''),
  );
  const skipped = recordTypes
    .filter((type) => counts[type].skipped > 0)
    .map((type) => `${label(type)} skipped: ${describeSkipped(type, counts[type].skippedBy)}`);
  return [header, ...rows, ...skipped].join('\n');
}

export function formatStatus(status: SchoolStatus, workflowLink: (workflowId: string) => string): string {
  const lines = [
    `${status.school.name} (${status.school.id}), ${status.school.environment} SIS, ${status.school.timeZone}`,
    status.schedule
      ? `Schedule ${status.schedule.id}: every ${status.schedule.interval ?? '?'}, ${status.schedule.paused ? `PAUSED${status.schedule.note ? ` (${status.schedule.note})` : ''}` : 'active'}${status.schedule.nextRunAt && !status.schedule.paused ? `, next run ${status.schedule.nextRunAt}` : ''}`
      : 'Schedule: none (run `enable` again)',
    '',
    'In CourseKey now:',
    ...recordTypes.map(
      (type) =>
        `  ${label(type).padEnd(16)}${String(status.records[type].total).padStart(8)} (${status.records[type].active} active)`,
    ),
    `Open issues: ${status.openIssues.blocking} blocking, ${status.openIssues.warning} warnings, ${status.openIssues.info} info`,
  ];
  for (const run of status.runs) {
    const seconds = run.finishedAt
      ? ((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)
      : '…';
    lines.push(
      '',
      `Run ${run.id}${run.mode ? ` (${run.mode})` : ''}: ${run.status}, started ${run.startedAt}, ${seconds} s`,
      `  ${workflowLink(run.workflowId)}`,
    );
    if (run.message) lines.push(`  ${run.message}`);
    lines.push(
      ...formatRunCounts(run.counts)
        .split('\n')
        .map((line) => `  ${line}`),
    );
  }
  return lines.join('\n');
}
