/** `status --all`: every school, worst first, one line each. */
import { describeAge } from '../coursekey/school-health';
import type { FleetSchool } from '../read-model/fleet-health';

const columns = ['health', 'school', 'last success', 'failures', 'blocking', 'next run'] as const;

export function formatFleet(schools: FleetSchool[]): string {
  if (schools.length === 0) return 'No school is enabled yet.';
  const rows = schools.map((school) => [
    school.health.toUpperCase(),
    school.schoolId,
    school.lastSuccessAgeMs === null ? 'never' : `${describeAge(school.lastSuccessAgeMs)} ago`,
    String(school.consecutiveFailures),
    String(school.openBlockingIssues),
    !school.schedule ? 'no schedule' : school.schedule.paused ? 'paused' : (school.schedule.nextRunAt ?? '?'),
  ]);
  const widths = columns.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map(line)].join('\n');
}
