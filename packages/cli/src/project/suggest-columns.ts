import type { ColumnInfo, Source } from '@drift-spark/core';

/** Rows read to see which string column holds the longest text. */
const sampleRows = 500;

export interface ColumnSuggestion {
  keyColumns: string[];
  textColumn?: string;
  /** Other short string columns, worth storing beside each vector. */
  metadataColumns: string[];
}

const isText = (column: ColumnInfo) => /^(string|varchar|char|text)/i.test(column.type);

/** An `id`-like key, and as text the string column whose values are longest on a sample. */
export async function suggestColumns(
  source: Source,
  columns: ColumnInfo[],
  signal?: AbortSignal,
): Promise<ColumnSuggestion> {
  const names = columns.map((column) => column.name);
  const key =
    names.find((name) => name.toLowerCase() === 'id') ??
    names.find((name) => /(^|_)(id|key|uuid)$/i.test(name)) ??
    columns.find((column) => !column.nullable)?.name ??
    names[0];
  const strings = columns.filter((column) => isText(column) && column.name !== key);
  const lengths = new Map(strings.map((column) => [column.name, 0]));
  if (strings.length > 0) {
    let read = 0;
    for await (const batch of source.scan({
      columns: strings.map((column) => column.name),
      batchSize: sampleRows,
      ...(signal ? { signal } : {}),
    })) {
      for (const row of batch.rows.slice(0, sampleRows - read))
        for (const column of strings) {
          const value = row[column.name];
          if (typeof value === 'string')
            lengths.set(column.name, (lengths.get(column.name) ?? 0) + value.length);
        }
      read += batch.rows.length;
      if (read >= sampleRows) break;
    }
  }
  const ranked = [...lengths.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  return {
    keyColumns: key === undefined ? [] : [key],
    ...(ranked[0] === undefined ? {} : { textColumn: ranked[0] }),
    metadataColumns: ranked.slice(1, 4),
  };
}
