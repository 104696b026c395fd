/** Course lookup: search, then one course's answer to "why can't this student see this course?". */
import type { CourseDetails, CourseMatch } from '../read-model/course-lookup';
import { formatDate, formatTime } from './display-format';
import { html, type SafeHtml } from './html';
import { schoolPath } from './layout';

/** Changes within this many days count as recent. */
const RECENT_DAYS = 14;

export function courseSearchBody(input: {
  schoolId: string;
  query: string;
  matches: CourseMatch[] | undefined;
}): SafeHtml {
  return html`<h1>Course lookup</h1>
    <p class="sub">
      Find a course by section code, title or SIS id to see whether it synced, its settings and its members.
    </p>
    <form class="filters" method="get" action="${schoolPath(input.schoolId, '/courses')}">
      <div>
        <label for="q">Course</label
        ><input id="q" name="q" type="search" value="${input.query}" placeholder="e.g. ACC101" autofocus />
      </div>
      <div><button class="primary" type="submit">Search</button></div>
    </form>
    ${
      input.matches &&
      html`<div class="card">
        ${
          input.matches.length === 0
            ? html`<p class="empty">
                No course in CourseKey matches “${input.query}”. If it exists in the SIS, check its dates (the
                sync takes sections from 21 days before start until 14 days after end), its status and the
                Issues page.
              </p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>Section</th>
                    <th>Title</th>
                    <th>Dates</th>
                    <th class="num">Active members</th>
                    <th>In CourseKey</th>
                  </tr>
                </thead>
                <tbody>
                  ${input.matches.map(
                    (m) =>
                      html`<tr data-course="${m.sisKey}">
                        <td>
                          <a href="${schoolPath(input.schoolId, `/courses/${encodeURIComponent(m.sisKey)}`)}"
                            >${m.sectionCode}</a
                          >
                        </td>
                        <td>${m.title}</td>
                        <td>${formatDate(m.startDate)} – ${formatDate(m.endDate)}</td>
                        <td class="num">${m.activeMembers}</td>
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

function settingsList(settings: Record<string, unknown> | null): SafeHtml {
  if (!settings)
    return html`<p class="empty">The School Configuration does not define this attendance method.</p>`;
  const describe = (value: unknown): string =>
    value !== null && typeof value === 'object'
      ? Object.entries(value)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')
      : String(value);
  return html`<dl class="facts">
    ${Object.entries(settings).map(
      ([key, value]) =>
        html`<dt>${key}</dt>
          <dd>${describe(value)}</dd>`,
    )}
  </dl>`;
}

export function courseDetailsBody(schoolId: string, course: CourseDetails, timeZone: string): SafeHtml {
  const students = course.members.filter((m) => m.role === 'student');
  const withoutEmail = course.members.filter((m) => m.active && !m.email);
  const since = Date.now() - RECENT_DAYS * 86_400_000;
  const recent = course.members.filter((m) => m.changedAt !== null && Date.parse(m.changedAt) >= since);
  return html`<h1>${course.sectionCode} · ${course.title}</h1>
    <p class="sub">SIS id <code>${course.sisKey}</code> · term ${course.termSisId}</p>
    <div class="grid">
      <div class="card">
        <div class="stat-label">In CourseKey</div>
        <div class="stat">
          ${course.active ? html`<span class="pill ok">Active</span>` : html`<span class="pill bad">Inactive</span>`}
        </div>
        <div class="stat-note">
          SIS status ${course.sisStatus}; synced first ${formatTime(course.createdAt, timeZone)}, last changed
          ${formatTime(course.updatedAt, timeZone)}
        </div>
      </div>
      <div class="card">
        <div class="stat-label">Members</div>
        <div class="stat" data-active-members>${students.filter((m) => m.active).length} active students</div>
        <div class="stat-note">
          ${students.filter((m) => !m.active).length} inactive ·
          ${course.members.filter((m) => m.role === 'instructor').length} instructors
        </div>
      </div>
      <div class="card">
        <div class="stat-label">Class sessions</div>
        <div class="stat">${course.sessions.total}</div>
        <div class="stat-note">
          ${formatDate(course.sessions.first)} – ${formatDate(course.sessions.last)}; next
          ${formatDate(course.sessions.next)}
        </div>
      </div>
    </div>
    ${
      withoutEmail.length > 0 &&
      html`<div class="alert" data-without-email="${withoutEmail.length}">
        ${withoutEmail.length} member${withoutEmail.length === 1 ? ' has' : 's have'} no email in the SIS and
        cannot sign in to CourseKey: ${withoutEmail.map((m) => m.name).join(', ')}. Add the email in Campus
        Cloud; the next sync brings it over.
      </div>`
    }
    ${
      course.openIssues.length > 0 &&
      html`<div class="card">
        <h2>Open issues for this course</h2>
        <table>
          <tbody>
            ${course.openIssues.map(
              (i) =>
                html`<tr>
                  <td><span class="pill ${i.severity}">${i.severity}</span></td>
                  <td><code>${i.rule}</code></td>
                  <td>${i.message}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`
    }
    <div class="grid">
      <div class="card">
        <h2>Course settings</h2>
        <dl class="facts">
          <dt>Dates</dt>
          <dd>${formatDate(course.startDate)} – ${formatDate(course.endDate)}</dd>
          <dt>Delivery method (SIS)</dt>
          <dd>${course.deliveryMethod}</dd>
          <dt>Attendance method</dt>
          <dd>${course.attendanceMethod} (${course.modality})</dd>
          <dt>Minutes per day</dt>
          <dd>${course.minutesPerDay ?? '—'}</dd>
          <dt>LMS code</dt>
          <dd>${course.lmsCode ?? '—'}</dd>
        </dl>
      </div>
      <div class="card">
        <h2>Attendance method settings</h2>
        ${settingsList(course.attendanceSettings)}
      </div>
    </div>
    <div class="card">
      <h2>Members</h2>
      ${
        course.members.length === 0
          ? html`<p class="empty">
              No members: the SIS lists no enrollments or instructors for this section.
            </p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Email</th>
                  <th>SIS status</th>
                  <th>In course</th>
                  <th>Account</th>
                </tr>
              </thead>
              <tbody>
                ${course.members.map(
                  (m) =>
                    html`<tr data-member="${m.userSisKey}">
                      <td>
                        ${
                          m.userActive === null
                            ? m.name
                            : html`<a
                                href="${schoolPath(schoolId, `/students/${encodeURIComponent(m.userSisKey)}`)}"
                                >${m.name}</a
                              >`
                        }
                      </td>
                      <td>${m.role}</td>
                      <td>${m.email ?? html`<span class="pill warning">no email</span>`}</td>
                      <td>${m.sisStatus}</td>
                      <td>
                        ${m.active ? html`<span class="pill ok">active</span>` : html`<span class="pill muted">inactive</span>`}
                      </td>
                      <td>
                        ${
                          m.userActive === null
                            ? html`<span class="pill bad">missing</span>`
                            : m.userActive
                              ? html`<span class="pill ok">active</span>`
                              : html`<span class="pill muted">inactive</span>`
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>
    <div class="card">
      <h2>Recent changes (last ${RECENT_DAYS} days)</h2>
      ${
        recent.length === 0
          ? html`<p class="empty">No member changed recently.</p>`
          : html`<table>
              <tbody>
                ${recent
                  .sort((a, b) => b.changedAt!.localeCompare(a.changedAt!))
                  .map(
                    (m) =>
                      html`<tr>
                        <td>${formatTime(m.changedAt, timeZone)}</td>
                        <td>${m.name}</td>
                        <td>${m.role}, now ${m.sisStatus} (${m.active ? 'active' : 'inactive'})</td>
                      </tr>`,
                  )}
              </tbody>
            </table>`
      }
    </div>`;
}
