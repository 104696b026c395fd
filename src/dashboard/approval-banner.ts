/** The banner every school page shows while a run holds deactivations back for approval. */
import type { HeldDeactivations } from '../read-model/held-deactivations';
import { formatCount, formatTime, recordTypeLabels } from './display-format';
import { html, type SafeHtml } from './html';
import { schoolPath } from './layout';

export function approvalBanner(schoolId: string, held: HeldDeactivations, timeZone: string): SafeHtml {
  return html`<section class="banner" role="alert" data-approval-banner="${held.syncRunId}">
    <strong>Deactivations wait for approval.</strong>
    The running sync would deactivate more records than the safety threshold allows, so it holds these back:
    <ul>
      ${held.held.map(
        (h) =>
          html`<li data-held="${h.recordType}">
            ${recordTypeLabels[h.recordType]}: ${formatCount(h.count)}
          </li>`,
      )}
    </ul>
    <p>
      ${
        held.heldUntil
          ? html`Approve by <strong data-held-until>${formatTime(held.heldUntil, timeZone)}</strong>; after
              that nothing is deactivated and the next run checks again.`
          : html`Until its approval wait ends; then nothing is deactivated and the next run checks again.`
      }
      If Campus Cloud is right, integration staff approve with
      <code>npm run cli -- approve --school ${schoolId}</code>; if not, fix the SIS.
      <a href="${schoolPath(schoolId, '/issues?q=mass-deactivation-held')}">The held changes, in detail</a>
    </p>
  </section>`;
}
