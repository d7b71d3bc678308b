import type { ColumnSuggestion } from './suggest-columns.js';

export const schemaUrl =
  'https://raw.githubusercontent.com/drift-spark/drift/main/packages/cli/schema/drift.schema.json';

/** A commented starter `drift.yaml` for one table, in shadow mode so a first apply costs $0. */
export function starterFile(input: {
  name: string;
  table: string;
  spark?: string;
  columns: ColumnSuggestion;
  columnNames: string[];
}): string {
  const { name, columns } = input;
  const list = (values: string[]) => `[${values.join(', ')}]`;
  return `# yaml-language-server: $schema=${schemaUrl}
# The vector indexes Drift keeps in step with their Delta tables.
#   drift plan    what drift apply would do to each index, and what it would cost
#   drift apply   does it (drift apply --plan plan.json: a reviewed plan, refused once stale)
# Secrets only from the environment: \${env:NAME}, e.g. postgres://me:\${env:PGPASSWORD}@host/db?table=t
ledger: ./.drift/ledger.db # runs, points and what they cost

indexes:
  ${name}: # its name: drift status ${name}, drift search ${name} "…"
    source:
      table: ${input.table}
      # the table's columns: ${input.columnNames.join(', ')}
      keyColumns: ${list(columns.keyColumns)} # suggested: the column that identifies a row
      textColumn: ${columns.textColumn ?? 'CHOOSE_A_STRING_COLUMN'} # suggested: the string column with the longest values
      metadataColumns: [] # stored beside each vector, e.g. ${list(columns.metadataColumns)}
${input.spark ? `      spark: ${input.spark}\n` : '      # spark: sc://localhost:15002 # read through Spark Connect instead of the native reader\n'}    embedder:
      model: openai/text-embedding-3-small # a real run needs OPENAI_API_KEY in the environment
      # dimensions: 512 # for models that let you choose the vector size
      # price: 0.02 # USD per 1M tokens, overriding the provider's
      shadowMode: true # mock vectors, no provider call, $0: set false to embed for real
    sink: pglite://./.drift/${name}?table=${name} # or postgres://…?table=t, qdrant://host:6333/collection
    # batchSize: 1000
    # concurrency: 4
    budget:
      maxCostPerRun: 5 # USD: a run stops before spending more
      # maxCostPerDay: 20
`;
}
