/**
 * Student lookup: search a user of the school, then their side of "why can't this student see this
 * course?": can they sign in (email, account), and each course membership's state with its reason.
 */
import type { UserDetails, UserMatch } from '../read-model/student-lookup';
import { formatDate } from './display-format';
import { html, type SafeHtml } from './html';
import { schoolPath } from './layout';

const userPath = (schoolId: string, sisKey: string) =>
  schoolPath(schoolId, `/students/${encodeURIComponent(sisKey)}`);

const stateTones: Record<string, string> = {
  active: 'ok',
  'future start': 'info',
  ended: 'muted',
  dropped: 'warning',
  'course inactive': 'bad',
  'course not in CourseKey': 'bad',
};

function emailCell(user: { email: string | null }): SafeHtml | string {
  return user.email ?? html`<span class="pill warning">no email</span>`;
}

export function studentSearchBody(input: {
  schoolId: string;
  query: string;
  matches: UserMatch[] | undefined;
}): SafeHtml {
  return html`<h1>Student lookup</h1>
    <p class="sub">
      Find a student (or instructor) by SIS id, student number, email or name to see whether they can sign in
      and which courses they see.
    </p>
    <form class="filters" method="get" action="${schoolPath(input.schoolId, '/students')}">
      <div>
        <label for="q">Student</label
        ><input
          id="q"
          name="q"
          type="search"
          value="${input.query}"
          placeholder="e.g. 100234 or a name"
          autofocus
        />
      </div>
      <div><button class="primary" type="submit">Search</button></div>
    </form>
    <p class="downloads">
      <a
        href="${schoolPath(input.schoolId, '/users-without-email.csv')}"
        download
        data-csv="users-without-email"
        >Download the users without email (CSV)</a
      >
    </p>
    ${
      input.matches &&
      html`<div class="card">
        ${
          input.matches.length === 0
            ? html`<p class="empty">
                No user in CourseKey matches “${input.query}”. A student synced only with a section the sync
                takes (and listed by the SIS); check the Issues page for enrollments it could not take.
              </p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>SIS id</th>
                    <th>Email</th>
                    <th>In CourseKey</th>
                  </tr>
                </thead>
                <tbody>
                  ${input.matches.map(
                    (m) =>
                      html`<tr data-user="${m.sisKey}">
                        <td><a href="${userPath(input.schoolId, m.sisKey)}">${m.name}</a></td>
                        <td>
                          ${m.kind === 'student' ? 'student' : 'staff'}
                          ${m.sisId}${m.studentNumber ? ` · no. ${m.studentNumber}` : ''}
                        </td>
                        <td>${emailCell(m)}</td>
                        <td>
                          ${m.active ? html`<span class="pill ok">active</span>` : html`<span class="pill muted">inactive</span>`}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </div>`
    }`;
}

export function studentDetailsBody(schoolId: string, user: UserDetails): SafeHtml {
  return html`<h1>${user.name}</h1>
    <p class="sub">
      ${user.kind === 'student' ? 'Student' : 'Staff user'} · SIS id
      <code>${user.sisId}</code
      >${user.studentNumber ? html` · student number <code>${user.studentNumber}</code>` : ''} · SIS status
      ${user.sisStatus}
    </p>
    ${
      user.signInProblem
        ? html`<div class="alert" data-sign-in-problem>${user.signInProblem}</div>`
        : html`<p data-sign-in-ok><span class="pill ok">can sign in</span> with ${user.email}</p>`
    }
    ${
      user.openIssues.length > 0 &&
      html`<div class="card">
        <h2>Open issues about this user and their enrollments</h2>
        <table>
          <tbody>
            ${user.openIssues.map(
              (i) =>
                html`<tr data-user-issue="${i.rule}">
                  <td><span class="pill ${i.severity}">${i.severity}</span></td>
                  <td><code>${i.rule}</code></td>
                  <td>${i.message}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
    <div class="card">
      <h2>Courses</h2>
      ${
        user.memberships.length === 0
          ? html`<p class="empty">
              In no course in CourseKey: the SIS lists no enrollment of theirs in a section the sync takes
              (see the issues above, if any).
            </p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Section</th>
                  <th>Dates</th>
                  <th>Role</th>
                  <th>SIS status</th>
                  <th>State</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                ${user.memberships.map(
                  (m) =>
                    html`<tr data-membership="${m.courseSisKey}" data-state="${m.state}">
                      <td>
                        ${
                          m.sectionCode === null
                            ? html`<code>${m.courseSisKey}</code>`
                            : html`<a
                                  href="${schoolPath(schoolId, `/courses/${encodeURIComponent(m.courseSisKey)}`)}"
                                  >${m.sectionCode}</a
                                >
                                <div class="stat-note">${m.title}</div>`
                        }
                      </td>
                      <td>${formatDate(m.startDate)} – ${formatDate(m.endDate)}</td>
                      <td>${m.role}</td>
                      <td>${m.sisStatus}</td>
                      <td><span class="pill ${stateTones[m.state] ?? 'muted'}">${m.state}</span></td>
                      <td>${m.reason}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}
