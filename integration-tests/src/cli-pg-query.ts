import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { toPgConnectionString } from '@drift-spark/sink-pgvector';
import { repoRoot } from './cli-harness.js';

/** Rows of a plain SQL query, as an application would run it. */
export async function query<Row>(uri: string, statement: string): Promise<Row[]> {
  const fromSink = createRequire(`${repoRoot}packages/sink-pgvector/package.json`);
  const { default: pg } = (await import(pathToFileURL(fromSink.resolve('pg')).href)) as {
    default: {
      Client: new (options: {
        connectionString: string;
      }) => {
        connect(): Promise<void>;
        query(sql: string): Promise<{ rows: Row[] }>;
        end(): Promise<void>;
      };
    };
  };
  const client = new pg.Client({ connectionString: toPgConnectionString(uri) });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}
