/** The overview: data in (records now, recent runs), data out, the schedule and open issues. */
import { type RunStatus } from '../db/database';
import { recordTypes } from '../coursekey/record-types';
import { describeSkipped } from '../coursekey/skip-reasons';
import type { RunCounts } from '../db/run-bookkeeping';
import type { AttendanceOut } from '../read-model/attendance-out';
import { recordBars } from './charts';
import {
  durationSeconds,
  formatCount,
  formatDate,
  formatDuration,
  formatTime,
  recordTypeLabels,
} from './display-format';
import { html, type SafeHtml } from './html';
import { schoolPath } from './layout';
import type { SchoolInsights } from '../read-model/school-insights';

const countColumns = [
  'fetched',
  'created',
  'updated',
  'unchanged',
  'deactivated',
  'failed',
  'skipped',
] as const;

const statusTones: Record<RunStatus, string> = {
  running: 'info',
  completed: 'ok',
  failed: 'bad',
  cancelled: 'warning',
};

export function statusPill(status: RunStatus): SafeHtml {
  return html`<span class="pill ${statusTones[status]}">${status}</span>`;
}

function runTotals(counts: RunCounts) {
  return countColumns.map((column) => recordTypes.reduce((sum, type) => sum + counts[type][column], 0));
}

function scheduleCard(insights: SchoolInsights): SafeHtml {
  const schedule = insights.schedule;
  const tz = insights.school.timeZone;
  if (!schedule)
    return html`<div class="card">
      <div class="stat-label">Schedule</div>
      <div class="stat">None</div>
      <div class="stat-note">No schedule: integration staff enable the school.</div>
    </div>`;
  return html`<div class="card">
    <div class="stat-label">Next scheduled run</div>
    ${
      schedule.paused
        ? html`<div class="stat"><span class="pill warning">Paused</span></div>
            <div class="stat-note">
              ${schedule.note ? `Note: ${schedule.note}` : 'The schedule is paused.'}
            </div>`
        : html`<div class="stat" data-next-run>${formatTime(schedule.nextRunAt, tz)}</div>
            <div class="stat-note">Runs every ${schedule.interval ?? '?'}</div>`
    }
  </div>`;
}

function lastRunCard(insights: SchoolInsights, runLink: (workflowId: string) => string): SafeHtml {
  const run = insights.runs[0];
  if (!run)
    return html`<div class="card">
      <div class="stat-label">Last run</div>
      <div class="stat">None yet</div>
    </div>`;
  return html`<div class="card">
    <div class="stat-label">Last run</div>
    <div class="stat">${statusPill(run.status)}</div>
    <div class="stat-note">
      ${formatTime(run.startedAt, insights.school.timeZone)} ·
      ${formatDuration(durationSeconds(run.startedAt, run.finishedAt))} ·
      <a href="${runLink(run.workflowId)}" target="_blank" rel="noopener">open in Temporal</a>
    </div>
    ${run.message && html`<div class="stat-note">${run.message}</div>`}
  </div>`;
}

function issuesCard(insights: SchoolInsights): SafeHtml {
  const issues = insights.openIssues;
  const link = (severity: string) => schoolPath(insights.school.id, `/issues?severity=${severity}`);
  return html`<div class="card">
    <div class="stat-label">Open issues</div>
    <div class="stat" data-open-issues>${formatCount(issues.blocking + issues.warning + issues.info)}</div>
    <div class="severity-row">
      <a href="${link('blocking')}"
        ><span class="pill ${issues.blocking ? 'blocking' : 'none'}">${issues.blocking} blocking</span></a
      >
      <a href="${link('warning')}"
        ><span class="pill ${issues.warning ? 'warning' : 'none'}">${issues.warning} warnings</span></a
      >
      <a href="${link('info')}"
        ><span class="pill ${issues.info ? 'info' : 'none'}">${issues.info} info</span></a
      >
    </div>
  </div>`;
}

function recordsCard(insights: SchoolInsights): SafeHtml {
  return html`<div class="card">
    <h2>Data in: records in CourseKey now</h2>
    ${recordBars(recordTypes.map((type) => ({ label: recordTypeLabels[type], ...insights.records[type] })))}
    <div class="legend"><span class="active">active</span><span class="inactive">inactive</span></div>
    <table>
      <thead>
        <tr>
          <th>Record type</th>
          <th class="num">In CourseKey</th>
          <th class="num">Active</th>
        </tr>
      </thead>
      <tbody>
        ${recordTypes.map(
          (type) =>
            html`<tr>
              <td>${recordTypeLabels[type]}</td>
              <td class="num" data-records-total="${type}">${formatCount(insights.records[type].total)}</td>
              <td class="num" data-records-active="${type}">${formatCount(insights.records[type].active)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function latestRunCountsCard(insights: SchoolInsights): SafeHtml {
  const run = insights.runs[0];
  if (!run) return html``;
  return html`<div class="card">
    <h2>Latest run, per record type</h2>
    <table>
      <thead>
        <tr>
          <th>Record type</th>
          ${countColumns.map((c) => html`<th class="num">${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${recordTypes.map(
          (type) =>
            html`<tr>
              <td>${recordTypeLabels[type]}</td>
              ${countColumns.map(
                (c) =>
                  html`<td class="num" data-latest-run="${type}.${c}">
                    ${formatCount(run.counts[type][c])}
                  </td>`,
              )}
            </tr>`,
        )}
      </tbody>
    </table>
    ${skippedNotes(run.counts)}
  </div>`;
}

/** Why records were fetched and not synced, per record type: the counts add up to fetched. */
export function skippedNotes(counts: RunCounts): SafeHtml {
  const skipped = recordTypes.filter((type) => counts[type].skipped > 0);
  if (skipped.length === 0) return html``;
  return html`<ul class="stat-note skipped">
    ${skipped.map(
      (type) =>
        html`<li data-skipped="${type}">
          ${recordTypeLabels[type]} skipped: ${describeSkipped(type, counts[type].skippedBy)}
        </li>`,
    )}
  </ul>`;
}

function recentRunsCard(insights: SchoolInsights): SafeHtml {
  if (insights.runs.length === 0) return html``;
  return html`<div class="card">
    <h2>Recent runs, all record types</h2>
    <table>
      <thead>
        <tr>
          <th>Started</th>
          <th>Status</th>
          <th class="num">Duration</th>
          ${countColumns.map((c) => html`<th class="num">${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${insights.runs.map(
          (run) =>
            html`<tr>
              <td>${formatTime(run.startedAt, insights.school.timeZone)}</td>
              <td>${statusPill(run.status)}</td>
              <td class="num">${formatDuration(durationSeconds(run.startedAt, run.finishedAt))}</td>
              ${runTotals(run.counts).map((n) => html`<td class="num">${formatCount(n)}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
    <p><a href="${schoolPath(insights.school.id, '/runs')}">All runs, with a chart →</a></p>
  </div>`;
}

function dataOutCard(schoolId: string, dataOut: AttendanceOut | null, timeZone: string): SafeHtml {
  if (!dataOut)
    return html`<div class="card" data-out>
      <h2>Data out: attendance posted to the SIS</h2>
      <p class="empty">No attendance posted yet.</p>
    </div>`;
  return html`<div class="card" data-out>
    <h2>Data out: attendance posted to the SIS</h2>
    <p class="sub">Latest posting ${formatTime(dataOut.postedAt, timeZone)}</p>
    <div class="grid">
      <div>
        <div class="stat-label">Sent</div>
        <div class="stat" data-out-sent>${formatCount(dataOut.sent)}</div>
      </div>
      <div>
        <div class="stat-label">Accepted</div>
        <div class="stat" data-out-accepted>${formatCount(dataOut.accepted)}</div>
      </div>
      <div>
        <div class="stat-label">Rejected</div>
        <div class="stat" data-out-rejected>${formatCount(dataOut.rejected)}</div>
      </div>
      <div>
        <div class="stat-label">LDA updates</div>
        <div class="stat" data-out-ldaupdates>${formatCount(dataOut.ldaUpdates)}</div>
      </div>
    </div>
    <p class="stat-note">
      <a href="${schoolPath(schoolId, '/posting')}">Posting history, run by run →</a>
    </p>
    <p class="stat-note">
      ${formatCount(dataOut.standingRejections)} record(s) stand rejected by the SIS. A rejected record is
      sent again once its minutes change in CourseKey; until then it is not retried.
    </p>
    ${
      dataOut.recentRejections.length > 0 &&
      html`<table>
        <thead>
          <tr>
            <th>Student</th>
            <th>Section</th>
            <th>Date</th>
            <th>Type</th>
            <th>SIS reason</th>
          </tr>
        </thead>
        <tbody>
          ${dataOut.recentRejections.map(
            (r) =>
              html`<tr>
                <td>${r.student}</td>
                <td>${r.section}</td>
                <td>${formatDate(r.date)}</td>
                <td>${r.type}</td>
                <td>${r.reason}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    }
  </div>`;
}

export function overviewBody(insights: SchoolInsights, runLink: (workflowId: string) => string): SafeHtml {
  const school = insights.school;
  return html`<h1>${school.name}</h1>
    <p class="sub">
      School ID <code>${school.id}</code> · ${school.environment} SIS · times in ${school.timeZone}
    </p>
    <div class="grid">${scheduleCard(insights)}${lastRunCard(insights, runLink)}${issuesCard(insights)}</div>
    ${recordsCard(insights)} ${latestRunCountsCard(insights)} ${recentRunsCard(insights)}
    ${dataOutCard(school.id, insights.dataOut, school.timeZone)}`;
}
