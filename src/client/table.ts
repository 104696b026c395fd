/** A plain-text table for the CLI's lists: columns padded to their widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A time as operators read it in a list: ISO to the minute, UTC. */
export function listTime(time: Date | string | null | undefined): string {
  if (!time) return '-';
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
