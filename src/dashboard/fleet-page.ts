/**
 * The fleet page for integration staff (`/dashboard/fleet`, where `/dashboard` sends them): every
 * school, worst first, with its health, last completed run and its age, failures in a row, open
 * blocking issues and next run. School admins see only their own schools and never this page.
 */
import type { Client } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { describeAge, type Health } from '../coursekey/school-health';
import type { Database } from '../db/database';
import { fleetHealth, type FleetSchool } from '../read-model/fleet-health';
import { workflowUrl } from '../temporal/connection';
import { formatTime } from './display-format';
import { html, type SafeHtml } from './html';
import { page, schoolPath } from './layout';
import { statusPill } from './overview-page';
import { refuse } from './request-guards';

export const FLEET_PATH = '/dashboard/fleet';

const healthTones: Record<Health, string> = {
  failing: 'bad',
  stale: 'warning',
  waiting: 'info',
  paused: 'muted',
  ok: 'ok',
};
const healthLabels: Record<Health, string> = {
  failing: 'Failing',
  stale: 'Stale',
  waiting: 'Waiting for approval',
  paused: 'Paused',
  ok: 'OK',
};

function nextRun(school: FleetSchool): string {
  if (!school.schedule) return 'No schedule';
  if (school.schedule.paused) return `Paused${school.schedule.note ? ` (${school.schedule.note})` : ''}`;
  return formatTime(school.schedule.nextRunAt, 'UTC');
}

export function fleetBody(schools: FleetSchool[], runLink: (workflowId: string) => string): SafeHtml {
  const counts = Object.fromEntries(
    (['failing', 'stale', 'waiting', 'paused', 'ok'] as const).map((h) => [
      h,
      schools.filter((s) => s.health === h).length,
    ]),
  ) as Record<Health, number>;
  return html`<h1>Fleet health</h1>
    <p class="sub">
      Every enabled school, worst first: ${counts.failing} failing, ${counts.stale} stale, ${counts.waiting}
      waiting for approval, ${counts.paused} paused, ${counts.ok} OK.
    </p>
    <div class="card">
      ${
        schools.length === 0
          ? html`<p class="empty">No school yet.</p>`
          : html`<table data-fleet>
              <thead>
                <tr>
                  <th>Health</th>
                  <th>School</th>
                  <th>Last success</th>
                  <th>Failures in a row</th>
                  <th>Blocking issues</th>
                  <th>Latest run</th>
                  <th>Next run (UTC)</th>
                </tr>
              </thead>
              <tbody>
                ${schools.map(
                  (s) =>
                    html`<tr data-school="${s.schoolId}" data-health="${s.health}">
                      <td><span class="pill ${healthTones[s.health]}">${healthLabels[s.health]}</span></td>
                      <td>
                        <a href="${schoolPath(s.schoolId)}">${s.name}</a><br /><code>${s.schoolId}</code>
                      </td>
                      <td>
                        ${
                          s.lastSuccessAgeMs === null
                            ? 'Never'
                            : html`${describeAge(s.lastSuccessAgeMs)} ago<br /><small
                                  >${formatTime(s.lastSuccessAt, 'UTC')}</small
                                >`
                        }
                      </td>
                      <td data-failures>${s.consecutiveFailures}</td>
                      <td>
                        ${
                          s.openBlockingIssues
                            ? html`<a href="${schoolPath(s.schoolId, '/issues')}">${s.openBlockingIssues}</a>`
                            : '0'
                        }
                      </td>
                      <td>
                        ${s.latestRun ? html`<a href="${runLink(s.latestRun.workflowId)}">${statusPill(s.latestRun.status)}</a>` : '—'}
                      </td>
                      <td>${nextRun(s)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </div>`;
}

/** The page's handler: on `/dashboard/fleet`, and on `/dashboard` for integration staff. */
export function fleetPageHandler(deps: { db: Kysely<Database>; temporal: Client; temporalUiUrl: string }) {
  const runLink = (workflowId: string) => workflowUrl(workflowId, deps.temporalUiUrl);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = request.dashboardSession!;
    if (!session.admin.isStaff)
      return refuse(
        reply,
        403,
        'Integration staff only',
        'The fleet page lists every school: it is for integration staff.',
        false,
      );
    const schools = await fleetHealth(deps.db, deps.temporal);
    return reply
      .type('text/html')
      .send(page({ title: 'Fleet health', body: fleetBody(schools, runLink), session }));
  };
}
