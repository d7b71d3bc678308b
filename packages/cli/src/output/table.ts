import Table from 'cli-table3';

/** A plain table for the human output (no colours in borders, so it pastes well). */
export function renderTable(
  head: string[],
  rows: (string | number)[][],
  options: { colAligns?: ('left' | 'right')[] } = {},
): string {
  const table = new Table({
    head,
    style: { head: [], border: [], compact: true },
    ...(options.colAligns ? { colAligns: options.colAligns.slice(0, head.length) } : {}),
    wordWrap: false,
  });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  return table.toString();
}
