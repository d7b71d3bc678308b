import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineConfig } from './define-config.js';
import { projectJsonSchema, projectSchema } from './project-schema.js';

const schemaFile = fileURLToPath(new URL('../../schema/drift.schema.json', import.meta.url));

describe('the project schema', () => {
  it('the published JSON Schema is generated from the zod schema (UPDATE_SCHEMA=1 rewrites it)', () => {
    const generated = `${JSON.stringify(projectJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) writeFileSync(schemaFile, generated);
    // Compared as JSON: the formatter may lay the committed file out its own way.
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(JSON.parse(generated));
  });

  it('the JSON Schema refuses unknown keys and names the required fields', () => {
    const schema = projectJsonSchema() as {
      additionalProperties: boolean;
      properties: { indexes: { additionalProperties: { required: string[] } } };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.indexes.additionalProperties.required).toEqual([
      'source',
      'embedder',
      'sink',
    ]);
  });

  it('defineConfig is typed and fills nothing in; the schema fills the defaults', () => {
    const config = defineConfig({
      indexes: {
        docs: {
          source: { table: './tickets', textColumn: 'body' },
          embedder: { model: 'openai/text-embedding-3-small' },
          sink: 'pglite://./.drift/docs?table=docs',
        },
      },
    });
    const project = projectSchema.parse(config);
    expect(project.indexes.docs?.source.keyColumns).toEqual(['id']);
    expect(project.indexes.docs?.source.metadataColumns).toEqual([]);
    expect(project.indexes.docs?.embedder.shadowMode).toBe(false);
  });
});
