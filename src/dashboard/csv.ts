/**
 * CSV downloads (RFC 4180): fields with a comma, a quote or a line break are quoted, quotes
 * doubled, lines end in CRLF. A text cell a spreadsheet would run as a formula (starting with
 * = + - @, or a tab or carriage return) gets a leading apostrophe (OWASP's CSV injection advice);
 * numbers are written as they are.
 */
import type { FastifyReply } from 'fastify';

export type CsvCell = string | number | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;

export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const text = typeof cell === 'number' ? String(cell) : formulaStart.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/** Sends a CSV as a download named after the school and the list, e.g. `demo-college-main-issues.csv`. */
export function sendCsv(reply: FastifyReply, schoolId: string, list: string, csv: string) {
  const filename = `${schoolId}-${list}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(csv);
}
