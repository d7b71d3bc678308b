import { parseChunkSpec } from '@drift-spark/core/internal';
import { z } from 'zod';

/**
 * The project file (`drift.yaml` or `drift.config.ts`): one schema, validated with zod, from
 * which the published JSON Schema (packages/cli/schema/drift.schema.json) is generated.
 * Unknown keys are errors, so a typo never silently falls back to a default.
 */

const columnName = z.string().min(1, 'expected a column name');
const usd = z.number().nonnegative('expected an amount in USD, 0 or more');
const columnList = (example: string) =>
  z.array(columnName, { error: `expected an array of strings (column names), e.g. [${example}]` });
const positiveInteger = z.number().int().positive('expected a whole number above 0');

export const sourceSchema = z
  .strictObject({
    table: z
      .string()
      .min(1)
      .describe('A Delta table: its folder or URI, or catalog.schema.table with spark'),
    keyColumns: columnList('id').min(1).default(['id']).describe('The columns that identify a row'),
    textColumn: columnName.describe('The column whose text is embedded'),
    metadataColumns: columnList('category')
      .default([])
      .describe("Columns stored in each point's metadata"),
    spark: z
      .string()
      .min(1)
      .optional()
      .describe('Read the table through Spark Connect (sc://host:port); absent: the native reader'),
  })
  .describe('Where the rows come from');

export const embedderSchema = z
  .strictObject({
    model: z.string().min(1).describe('provider/model, e.g. openai/text-embedding-3-small'),
    dimensions: positiveInteger
      .optional()
      .describe('Vector size, for models that let you choose it'),
    price: usd.optional().describe("USD per 1M tokens, overriding the provider's price"),
    shadowMode: z
      .boolean()
      .default(false)
      .describe("Deterministic mock vectors of the model's size: no provider call, $0"),
  })
  .describe('The embedding model');

/** `chunk: markdown:512`: the spec `--chunk` takes, refused at load with the parser's own words. */
const chunkSpec = z
  .string()
  .superRefine((spec, context) => {
    try {
      parseChunkSpec(spec);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
    }
  })
  .describe(
    'Cut each row into chunks, each its own point (as --chunk): tokens:N[,overlap:M], markdown[:N] or sentences:N',
  );

export const budgetSchema = z
  .strictObject({
    maxCostPerRun: usd.optional().describe('Stop a run before it spends more than this (USD)'),
    maxCostPerDay: usd
      .optional()
      .describe('Stop a follow loop before the day spends more than this (USD)'),
  })
  .describe('Spending limits');

export const indexSchema = z
  .strictObject({
    source: sourceSchema,
    embedder: embedderSchema,
    sink: z
      .string()
      .min(1)
      .describe('Where vectors go: pglite://…, postgres://…, qdrant://…, lancedb://…'),
    chunk: chunkSpec.optional(),
    batchSize: positiveInteger.optional().describe('Rows per batch (and per ledger transaction)'),
    concurrency: positiveInteger.optional().describe('Provider calls in flight at most'),
    budget: budgetSchema.optional(),
  })
  .describe('One vector index kept in step with one table');

export const projectSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file, for editors'),
    ledger: z
      .string()
      .min(1)
      .optional()
      .describe('The ledger file (default: $DRIFT_LEDGER or ~/.drift/ledger.db)'),
    indexes: z
      .record(
        z.string().regex(/^[A-Za-z0-9_-]+$/, 'an index name is letters, digits, _ and -'),
        indexSchema,
      )
      .describe('The indexes, by name'),
  })
  .describe('A Drift project: the ledger and the indexes it keeps in step');

/** What a project file may say (input: defaults may be left out). */
export type DriftConfig = z.input<typeof projectSchema>;
/** A validated project, defaults filled in. */
export type Project = z.output<typeof projectSchema>;
export type IndexConfig = z.output<typeof indexSchema>;

/** The published JSON Schema, generated from the zod schema (what `drift.yaml` editors validate against). */
export function projectJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(projectSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://github.com/drift-spark/drift/blob/main/packages/cli/schema/drift.schema.json',
    title: 'Drift project file (drift.yaml)',
  };
}
