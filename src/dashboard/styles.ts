/** The dashboard's one stylesheet, served from /dashboard/assets so the CSP can forbid inline styles. */
export const dashboardCss = `
:root {
  --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f6f7f9; --card: #fff;
  --brand: #1d4ed8; --brand-ink: #fff; --ok: #15803d; --warn: #b45309; --bad: #b91c1c; --info: #0369a1;
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--brand); }
header.top { background: #111827; color: #fff; padding: 0 24px; display: flex; align-items: center; gap: 24px; min-height: 56px; }
header.top .brand { font-weight: 700; letter-spacing: .2px; color: #fff; text-decoration: none; }
header.top .school { color: #d1d5db; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: 12px; color: #d1d5db; font-size: 14px; }
header.top form { margin: 0; }
header.top button { background: transparent; color: #fff; border: 1px solid #4b5563; border-radius: 6px; padding: 4px 10px; cursor: pointer; font: inherit; }
nav.tabs { background: #fff; border-bottom: 1px solid var(--line); padding: 0 24px; display: flex; gap: 4px; }
nav.tabs a { padding: 12px 14px; text-decoration: none; color: var(--muted); border-bottom: 3px solid transparent; }
nav.tabs a[aria-current="page"] { color: var(--ink); border-bottom-color: var(--brand); font-weight: 600; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 12px; }
.sub { color: var(--muted); margin: 0 0 20px; }
.grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); margin-bottom: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin-bottom: 16px; }
.grid .card { margin-bottom: 0; }
.stat { font-size: 30px; font-weight: 700; line-height: 1.1; }
.stat-label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .4px; }
.stat-note { color: var(--muted); font-size: 13px; }
ul.skipped { margin: 8px 0 0; padding-left: 18px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .4px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:last-child td { border-bottom: 0; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.pill.ok { background: #dcfce7; color: var(--ok); }
.pill.warning { background: #fef3c7; color: var(--warn); }
.pill.blocking, .pill.bad { background: #fee2e2; color: var(--bad); }
.pill.info { background: #e0f2fe; color: var(--info); }
.pill.muted, .pill.none { background: #f3f4f6; color: var(--muted); }
.severity-row { display: flex; gap: 12px; flex-wrap: wrap; }
.severity-row a { text-decoration: none; }
.empty { color: var(--muted); font-style: italic; }
form.filters { display: flex; gap: 10px; flex-wrap: wrap; align-items: end; margin-bottom: 16px; }
label { display: block; font-size: 13px; color: var(--muted); }
input, select { font: inherit; padding: 7px 10px; border: 1px solid #d1d5db; border-radius: 6px; background: #fff; color: var(--ink); }
button.primary { font: inherit; background: var(--brand); color: var(--brand-ink); border: 0; border-radius: 6px; padding: 8px 16px; cursor: pointer; font-weight: 600; }
.signin { max-width: 380px; margin: 72px auto; }
.signin input { width: 100%; margin: 4px 0 14px; }
.signin button { width: 100%; }
.alert { border-radius: 8px; padding: 10px 14px; margin-bottom: 14px; background: #fee2e2; color: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.chart { width: 100%; height: auto; display: block; }
.chart.bars { max-width: 620px; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; font-size: 13px; color: var(--muted); margin-top: 6px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; background: var(--swatch); }
.legend .created { --swatch: #2563eb; } .legend .updated { --swatch: #0d9488; }
.legend .deactivated { --swatch: #d97706; } .legend .failed { --swatch: #dc2626; }
.legend .active { --swatch: #2563eb; } .legend .inactive { --swatch: #cbd5e1; }
.legend .duration { --swatch: #6366f1; }
code { font-size: 13px; background: #f3f4f6; padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
.banner { border: 1px solid #f59e0b; background: #fffbeb; color: #78350f; border-radius: 10px; padding: 12px 16px; margin-bottom: 16px; }
.banner ul { margin: 6px 0; padding-left: 20px; }
.banner p { margin: 6px 0 0; }
.downloads { display: flex; gap: 14px; flex-wrap: wrap; font-size: 14px; margin: 0 0 12px; }
/* A wide table scrolls inside its card, never the page. */
.card { overflow-x: auto; }
/* Phones: the header and the tabs wrap instead of running off the screen. */
header.top { flex-wrap: wrap; }
nav.tabs { flex-wrap: wrap; }
@media (max-width: 640px) {
  header.top { padding: 8px 12px; gap: 6px 12px; }
  header.top .who { margin-left: 0; flex-wrap: wrap; overflow-wrap: anywhere; }
  nav.tabs { padding: 0 8px; }
  nav.tabs a { padding: 8px 8px; }
  main { padding: 14px 12px; }
  .grid { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
  form.filters > div, form.filters input, form.filters select { max-width: 100%; }
}
`;
