/**
 * Issues: filterable, open first, resolved ones kept; each with its record (linked to its course
 * or user page), rule and fix; the filtered list and the users without email as CSV downloads.
 */
import { recordTypes } from '../coursekey/record-types';
import { formatTime, recordTypeLabels } from './display-format';
import { html, type SafeHtml } from './html';
import { schoolPath } from './layout';
import { ISSUE_PAGE_SIZE, type IssueFilter, type IssueRow } from '../read-model/issue-list';

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return html`<option value="${value}" ${value === (selected ?? '') ? html`selected` : ''}>${label}</option>`;
}

/** The filter as a query string, e.g. `?state=open&q=ACC101`, for the CSV of what the page lists. */
export function issueFilterQuery(filter: IssueFilter): string {
  const params = new URLSearchParams({ state: filter.state });
  if (filter.severity) params.set('severity', filter.severity);
  if (filter.recordType) params.set('type', filter.recordType);
  if (filter.text) params.set('q', filter.text);
  return `?${params.toString()}`;
}

/** Where an issue's record is explained: its course's page, or the user's in the student lookup. */
function recordLink(schoolId: string, issue: IssueRow): SafeHtml {
  if (issue.course)
    return html`<a
        href="${schoolPath(schoolId, `/courses/${encodeURIComponent(issue.course.sisKey)}`)}"
        data-issue-course="${issue.course.sisKey}"
        >${issue.course.sectionCode}</a
      >
      <div class="stat-note">${issue.course.title}</div>`;
  if (issue.recordType === 'users' && issue.sisKey !== '*')
    return html`<a
      href="${schoolPath(schoolId, `/students/${encodeURIComponent(issue.sisKey)}`)}"
      data-issue-user
      >in student lookup</a
    >`;
  return html``;
}

export function issuesBody(input: {
  schoolId: string;
  filter: IssueFilter;
  issues: IssueRow[];
  total: number;
  timeZone: string;
}): SafeHtml {
  const { filter } = input;
  return html`<h1>Issues</h1>
    <p class="sub">
      What the sync found wrong in the SIS, and how to fix it there. Resolved issues stay listed.
    </p>
    <form class="filters" method="get">
      <div>
        <label for="state">Status</label>
        <select id="state" name="state">
          ${option('open', 'Open', filter.state)}${option('resolved', 'Resolved', filter.state)}${option('all', 'All', filter.state)}
        </select>
      </div>
      <div>
        <label for="severity">Severity</label>
        <select id="severity" name="severity">
          ${option('', 'Any', filter.severity)}${option('blocking', 'Blocking', filter.severity)}
          ${option('warning', 'Warning', filter.severity)}${option('info', 'Info', filter.severity)}
        </select>
      </div>
      <div>
        <label for="type">Record type</label>
        <select id="type" name="type">
          ${option('', 'Any', filter.recordType)}
          ${recordTypes.map((type) => option(type, recordTypeLabels[type], filter.recordType))}
        </select>
      </div>
      <div>
        <label for="q">Record, rule or text</label>
        <input
          id="q"
          name="q"
          type="search"
          value="${filter.text ?? ''}"
          placeholder="e.g. ACC101 or no-email"
        />
      </div>
      <div><button class="primary" type="submit">Filter</button></div>
    </form>
    <p class="downloads">
      <a
        href="${schoolPath(input.schoolId, `/issues.csv${issueFilterQuery(filter)}`)}"
        download
        data-csv="issues"
        >Download these issues (CSV)</a
      >
      <a
        href="${schoolPath(input.schoolId, '/users-without-email.csv')}"
        download
        data-csv="users-without-email"
        >Download the users without email (CSV)</a
      >
    </p>
    <div class="card">
      <p class="stat-note" data-issue-total="${input.total}">
        ${input.total}
        issue${input.total === 1 ? '' : 's'}${input.total > ISSUE_PAGE_SIZE ? `, the first ${ISSUE_PAGE_SIZE} shown` : ''}
      </p>
      ${
        input.issues.length === 0
          ? html`<p class="empty">No issues match.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Record</th>
                  <th>Rule</th>
                  <th>What to fix</th>
                  <th>Seen</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                ${input.issues.map(
                  (issue) =>
                    html`<tr data-issue="${issue.id}">
                      <td><span class="pill ${issue.severity}">${issue.severity}</span></td>
                      <td>
                        ${recordTypeLabels[issue.recordType as keyof typeof recordTypeLabels] ?? issue.recordType}<br /><code
                          >${issue.sisKey}</code
                        >
                        ${recordLink(input.schoolId, issue)}
                      </td>
                      <td><code>${issue.rule}</code></td>
                      <td>${issue.message}</td>
                      <td class="stat-note">
                        first ${formatTime(issue.firstSeenAt, input.timeZone)}<br />last
                        ${formatTime(issue.lastSeenAt, input.timeZone)}
                      </td>
                      <td>
                        ${
                          issue.resolvedAt
                            ? html`<span class="pill ok">resolved</span>
                                <div class="stat-note">${formatTime(issue.resolvedAt, input.timeZone)}</div>`
                            : html`<span class="pill muted">open</span>`
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}
