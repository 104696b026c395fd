/** Posting history: what each run posted to the SIS (sent, accepted, rejected, LDAs), with a CSV. */
import type { PostingRun } from '../read-model/posting-history';
import { formatCount, formatTime } from './display-format';
import { html, type SafeHtml } from './html';
import { schoolPath } from './layout';
import { statusPill } from './overview-page';

export const postingCsvHeader = [
  'run_id',
  'workflow_id',
  'status',
  'started_at',
  'finished_at',
  'sent',
  'accepted',
  'rejected',
  'lda_updates',
] as const;

export const postingCsvRow = (run: PostingRun) => [
  run.syncRunId,
  run.workflowId,
  run.status,
  run.startedAt,
  run.finishedAt,
  run.sent,
  run.accepted,
  run.rejected,
  run.lastDates,
];

export function postingBody(input: {
  schoolId: string;
  runs: PostingRun[];
  timeZone: string;
  runLink: (workflowId: string) => string;
}): SafeHtml {
  return html`<h1>Posting history</h1>
    <p class="sub">
      Attendance each run posted to the SIS: records sent, accepted and rejected by the SIS, and last dates
      attended (LDA) updated. A rejected record is sent again once its minutes change.
    </p>
    <p class="downloads">
      <a href="${schoolPath(input.schoolId, '/posting.csv')}" download data-csv="posting"
        >Download the posting history (CSV)</a
      >
    </p>
    <div class="card">
      ${
        input.runs.length === 0
          ? html`<p class="empty">No runs yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Run started</th>
                  <th>Status</th>
                  <th class="num">Sent</th>
                  <th class="num">Accepted</th>
                  <th class="num">Rejected</th>
                  <th class="num">LDA updates</th>
                </tr>
              </thead>
              <tbody>
                ${input.runs.map(
                  (run) =>
                    html`<tr data-posting-run="${run.syncRunId}">
                      <td>
                        <a href="${input.runLink(run.workflowId)}" target="_blank" rel="noopener"
                          >${formatTime(run.startedAt, input.timeZone)}</a
                        >
                      </td>
                      <td>${statusPill(run.status)}</td>
                      <td class="num" data-sent>${formatCount(run.sent)}</td>
                      <td class="num" data-accepted>${formatCount(run.accepted)}</td>
                      <td class="num" data-rejected>${formatCount(run.rejected)}</td>
                      <td class="num" data-lda>${formatCount(run.lastDates)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}
