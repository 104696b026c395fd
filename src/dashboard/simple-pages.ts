/** The pages with little to them: sign-in, the school list, and refusals. */
import { html, type SafeHtml } from './html';
import { schoolPath } from './layout';

export function signInBody(input: {
  csrfToken: string;
  next: string;
  email?: string;
  error?: string;
}): SafeHtml {
  return html`<div class="card signin">
    <h1>Sign in</h1>
    <p class="sub">Integrations Insight Dashboard for school admins.</p>
    ${input.error && html`<div class="alert" role="alert">${input.error}</div>`}
    <form method="post" action="/dashboard/sign-in">
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      <input type="hidden" name="next" value="${input.next}" />
      <label for="email">Email</label>
      <input
        id="email"
        name="email"
        type="email"
        autocomplete="username"
        required
        value="${input.email ?? ''}"
      />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button class="primary" type="submit">Sign in</button>
    </form>
  </div>`;
}

/** A school admin's schools (integration staff start at the fleet page instead). */
export function schoolListBody(schools: { id: string; name: string }[]): SafeHtml {
  return html`<h1>Schools</h1>
    <p class="sub">The schools you administer.</p>
    <div class="card">
      ${
        schools.length === 0
          ? html`<p class="empty">No school yet.</p>`
          : html`<table>
              <tbody>
                ${schools.map(
                  (s) =>
                    html`<tr>
                      <td><a href="${schoolPath(s.id)}">${s.name}</a></td>
                      <td><code>${s.id}</code></td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}

export function refusalBody(title: string, message: string): SafeHtml {
  return html`<div class="card">
    <h1>${title}</h1>
    <p>${message}</p>
    <p><a href="/dashboard">Back to your schools</a></p>
  </div>`;
}
