/**
 * The page shell every dashboard page shares: header with the signed-in admin, school tabs (both
 * wrap on a phone), and a school's banner (held deactivations) above the page.
 */
import type { Admin } from '../accounts/admin-accounts';
import { html, type SafeHtml } from './html';

export type Tab = 'overview' | 'runs' | 'posting' | 'issues' | 'courses' | 'students';

const tabs: { tab: Tab; label: string; path: string }[] = [
  { tab: 'overview', label: 'Overview', path: '' },
  { tab: 'runs', label: 'Run history', path: '/runs' },
  { tab: 'posting', label: 'Posting history', path: '/posting' },
  { tab: 'issues', label: 'Issues', path: '/issues' },
  { tab: 'courses', label: 'Course lookup', path: '/courses' },
  { tab: 'students', label: 'Student lookup', path: '/students' },
];

export function schoolPath(schoolId: string, path = ''): string {
  return `/dashboard/schools/${encodeURIComponent(schoolId)}${path}`;
}

export function page(input: {
  title: string;
  body: SafeHtml;
  session?: { admin: Admin; csrfToken: string };
  school?: { id: string; name: string };
  tab?: Tab;
  banner?: SafeHtml | undefined;
}): string {
  const { session, school } = input;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${input.title} · Integrations Insight</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/dashboard">CourseKey · Integrations Insight</a>
          ${school && html`<span class="school">${school.name}</span>`}
          ${
            session &&
            html`<div class="who">
              <span>${session.admin.email}${session.admin.isStaff ? ' (integration staff)' : ''}</span>
              <form method="post" action="/dashboard/sign-out">
                <input type="hidden" name="_csrf" value="${session.csrfToken}" />
                <button type="submit">Sign out</button>
              </form>
            </div>`
          }
        </header>
        ${
          school &&
          html`<nav class="tabs" aria-label="School pages">
            ${tabs.map(
              (t) =>
                html`<a
                  href="${schoolPath(school.id, t.path)}"
                  ${t.tab === input.tab ? html`aria-current="page"` : ''}
                  >${t.label}</a
                >`,
            )}
          </nav>`
        }
        <main>${input.banner}${input.body}</main>
      </body>
    </html>`.value;
}
