/** Run history: a chart of runs over time and a table, each run linked to its Temporal workflow. */
import { recordTypes } from '../coursekey/record-types';
import type { SchoolStatus } from '../read-model/school-status';
import { runHistoryChart } from './charts';
import { durationSeconds, formatCount, formatDuration, formatTime } from './display-format';
import { html, type SafeHtml } from './html';
import { skippedNotes, statusPill } from './overview-page';

type Run = SchoolStatus['runs'][number];

const total = (run: Run, column: 'fetched' | 'created' | 'updated' | 'deactivated' | 'failed' | 'skipped') =>
  recordTypes.reduce((sum, type) => sum + run.counts[type][column], 0);

export function runsBody(status: SchoolStatus, runLink: (workflowId: string) => string): SafeHtml {
  const tz = status.school.timeZone;
  const oldestFirst = [...status.runs].reverse();
  return html`<h1>Run history</h1>
    <p class="sub">
      ${status.runs.length === 1 ? 'The only run so far.' : `The last ${status.runs.length} runs.`} Each opens
      in the Temporal Web UI, where every step of the run is recorded.
    </p>
    ${
      status.runs.length === 0
        ? html`<div class="card"><p class="empty">No runs yet.</p></div>`
        : html`<div class="card">
              ${runHistoryChart(
                oldestFirst.map((run) => ({
                  label: formatTime(run.startedAt, tz),
                  href: runLink(run.workflowId),
                  durationSeconds: durationSeconds(run.startedAt, run.finishedAt),
                  created: total(run, 'created'),
                  updated: total(run, 'updated'),
                  deactivated: total(run, 'deactivated'),
                  failed: total(run, 'failed'),
                  status: run.status,
                })),
              )}
              <div class="legend">
                <span class="duration">duration</span><span class="created">created</span
                ><span class="updated">updated</span> <span class="deactivated">deactivated</span
                ><span class="failed">failed</span>
              </div>
            </div>
            <div class="card">
              <table>
                <thead>
                  <tr>
                    <th>Started</th>
                    <th>Status</th>
                    <th>Scope</th>
                    <th class="num">Duration</th>
                    <th class="num">Fetched</th>
                    <th class="num">Created</th>
                    <th class="num">Updated</th>
                    <th class="num">Deactivated</th>
                    <th class="num">Failed</th>
                    <th class="num">Skipped</th>
                    <th>Workflow</th>
                  </tr>
                </thead>
                <tbody>
                  ${status.runs.map(
                    (run) =>
                      html`<tr data-run="${run.id}">
                        <td>${formatTime(run.startedAt, tz)}</td>
                        <td>
                          ${statusPill(run.status)}${run.message && html`<div class="stat-note">${run.message}</div>`}
                          ${skippedNotes(run.counts)}
                        </td>
                        <td>${run.mode ?? ''}</td>
                        <td class="num">${formatDuration(durationSeconds(run.startedAt, run.finishedAt))}</td>
                        ${(
                          ['fetched', 'created', 'updated', 'deactivated', 'failed', 'skipped'] as const
                        ).map((c) => html`<td class="num">${formatCount(total(run, c))}</td>`)}
                        <td>
                          <a
                            href="${runLink(run.workflowId)}"
                            target="_blank"
                            rel="noopener"
                            data-workflow-link
                            >${run.workflowId}</a
                          >
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }`;
}
