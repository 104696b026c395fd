/**
 * Charts as inline SVG drawn on the server: readable without JavaScript, nothing fetched.
 * Each bar carries a <title> so hovering (or a screen reader) gives the exact figure.
 */
import { html, type SafeHtml } from './html';

const colors = {
  active: '#2563eb',
  inactive: '#cbd5e1',
  created: '#2563eb',
  updated: '#0d9488',
  deactivated: '#d97706',
  failed: '#dc2626',
  duration: '#6366f1',
  grid: '#e5e7eb',
  label: '#6b7280',
};

const fmt = (n: number) => n.toLocaleString('en-US');
const px = (n: number) => n.toFixed(1);

/** Rounds a maximum up to 1, 2 or 5 times a power of ten, so grid lines fall on round numbers. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Records in CourseKey per type: one horizontal bar each, active and inactive stacked. */
export function recordBars(rows: { label: string; active: number; total: number }[]): SafeHtml {
  const width = 560;
  const labelWidth = 130;
  const barHeight = 22;
  const gap = 14;
  const max = niceMax(Math.max(...rows.map((r) => r.total)));
  const scale = (n: number) => ((width - labelWidth - 70) * n) / max;
  const height = rows.length * (barHeight + gap);
  const bars = rows.map((row, i) => {
    const y = i * (barHeight + gap);
    const activeWidth = scale(row.active);
    const inactiveWidth = scale(row.total - row.active);
    return html`<g>
      <text x="0" y="${px(y + 16)}" fill="${colors.label}" font-size="13">${row.label}</text>
      <rect
        x="${labelWidth}"
        y="${y}"
        width="${px(activeWidth)}"
        height="${barHeight}"
        rx="3"
        fill="${colors.active}"
      >
        <title>${row.label}: ${fmt(row.active)} active</title>
      </rect>
      <rect
        x="${px(labelWidth + activeWidth)}"
        y="${y}"
        width="${px(inactiveWidth)}"
        height="${barHeight}"
        rx="3"
        fill="${colors.inactive}"
      >
        <title>${row.label}: ${fmt(row.total - row.active)} inactive</title>
      </rect>
      <text
        x="${px(labelWidth + activeWidth + inactiveWidth + 8)}"
        y="${px(y + 16)}"
        font-size="13"
        font-weight="600"
        fill="#1f2937"
        >${fmt(row.total)}</text
      >
    </g>`;
  });
  return html`<svg
    class="chart bars"
    viewBox="0 0 ${width} ${height}"
    role="img"
    aria-label="Records in CourseKey per type"
  >
    ${bars}
  </svg>`;
}

export interface RunPoint {
  label: string;
  href: string;
  durationSeconds: number | null;
  created: number;
  updated: number;
  deactivated: number;
  failed: number;
  status: string;
}

/**
 * Runs over time, oldest on the left: the top panel is each run's duration, the bottom panel
 * what it changed (created, updated, deactivated, failed stacked). Each column links to the run.
 */
export function runHistoryChart(runs: RunPoint[]): SafeHtml {
  const width = 900;
  const left = 56;
  const panelHeight = 120;
  const top = 18;
  const between = 46;
  const plotWidth = width - left - 10;
  const slot = plotWidth / Math.max(runs.length, 1);
  const barWidth = Math.max(3, Math.min(28, slot * 0.6));
  const maxDuration = niceMax(Math.max(...runs.map((r) => r.durationSeconds ?? 0)));
  const changes = (r: RunPoint) => r.created + r.updated + r.deactivated + r.failed;
  const maxChanges = niceMax(Math.max(...runs.map(changes)));
  const changesTop = top + panelHeight + between;
  const height = changesTop + panelHeight + 24;

  const axis = (y0: number, max: number, unit: string) =>
    [0, 0.5, 1].map((f) => {
      const y = y0 + panelHeight - f * panelHeight;
      return html`<line x1="${left}" x2="${width - 10}" y1="${px(y)}" y2="${px(y)}" stroke="${colors.grid}" />
        <text x="${left - 6}" y="${px(y + 4)}" text-anchor="end" font-size="11" fill="${colors.label}"
          >${fmt(max * f)}${unit}</text
        >`;
    });

  const columns = runs.map((run, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    const durationHeight = ((run.durationSeconds ?? 0) / maxDuration) * panelHeight;
    let stackY = changesTop + panelHeight;
    const segments = (['created', 'updated', 'deactivated', 'failed'] as const).map((kind) => {
      const h = (run[kind] / maxChanges) * panelHeight;
      stackY -= h;
      return h > 0
        ? html`<rect
            x="${px(x)}"
            y="${px(stackY)}"
            width="${px(barWidth)}"
            height="${px(h)}"
            fill="${colors[kind]}"
          />`
        : '';
    });
    const title = `${run.label}: ${run.status}, ${run.durationSeconds === null ? 'running' : `${run.durationSeconds.toFixed(1)} s`}; created ${fmt(run.created)}, updated ${fmt(run.updated)}, deactivated ${fmt(run.deactivated)}, failed ${fmt(run.failed)}`;
    return html`<a href="${run.href}" target="_blank" rel="noopener">
      <title>${title}</title>
      <rect
        x="${px(left + i * slot)}"
        y="${top}"
        width="${px(slot)}"
        height="${height - top - 24}"
        fill="transparent"
      />
      <rect
        x="${px(x)}"
        y="${px(top + panelHeight - durationHeight)}"
        width="${px(barWidth)}"
        height="${px(durationHeight)}"
        rx="2"
        fill="${run.status === 'failed' ? colors.failed : colors.duration}"
      />
      ${segments}
    </a>`;
  });

  return html`<svg
    class="chart"
    viewBox="0 0 ${width} ${height}"
    role="img"
    aria-label="Sync runs over time: duration and changes"
  >
    <text x="${left}" y="12" font-size="12" font-weight="600" fill="#1f2937">Duration (seconds)</text>
    ${axis(top, maxDuration, '')}
    <text x="${left}" y="${changesTop - 8}" font-size="12" font-weight="600" fill="#1f2937">
      Records changed
    </text>
    ${axis(changesTop, maxChanges, '')} ${columns}
    <text x="${left}" y="${height - 6}" font-size="11" fill="${colors.label}">${runs[0]?.label ?? ''}</text>
    <text x="${width - 10}" y="${height - 6}" text-anchor="end" font-size="11" fill="${colors.label}">
      ${runs.at(-1)?.label ?? ''}
    </text>
  </svg>`;
}
