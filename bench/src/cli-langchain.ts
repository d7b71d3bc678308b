/**
 * The peer of `drift embed` for bench/src/cli.ts: LangChain.js `index()` with its
 * PostgresRecordManager and a PGVectorStore on the same PostgreSQL, the same rows (read
 * with Drift's Delta source, then handed over as LangChain loads them: all in memory) and
 * the same shadow vectors (Drift's shadow embedder behind LangChain's Embeddings), and on a
 * first run the same HNSW index, built as LangChain's docs suggest.
 */
import { createShadowEmbedder } from '@drift-spark/core';
import { createDeltaSource } from '@drift-spark/source-delta';
import { PostgresRecordManager } from '@langchain/community/indexes/postgres';
import { PGVectorStore } from '@langchain/community/vectorstores/pgvector';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { index } from '@langchain/core/indexing';
import pg from 'pg';

class ShadowEmbeddings extends Embeddings {
  private readonly shadow = createShadowEmbedder({ model: 'openai/text-embedding-3-small' });

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += 512) {
      const result = await this.shadow.embed(texts.slice(start, start + 512));
      for (const vector of result.vectors) vectors.push(Array.from(vector));
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.embedDocuments([text]))[0]!;
  }
}

export interface PeerRun {
  seconds: number;
  added: number;
  skipped: number;
}

/** Loads the table (id, text) into LangChain documents, as its loaders do. */
async function loadDocuments(table: string, version: number): Promise<Document[]> {
  const source = createDeltaSource({ path: table });
  const documents: Document[] = [];
  for await (const batch of source.scan({ columns: ['id', 'text'], version })) {
    for (const row of batch.rows) {
      documents.push(
        new Document({
          pageContent: String(row.text),
          metadata: { source: 'bench', id: String(row.id) },
        }),
      );
    }
  }
  return documents;
}

/** The peer's vector store and record manager on `name`'s tables (created when missing). */
async function openPeer(databaseUrl: string, name: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const vectorStore = await PGVectorStore.initialize(new ShadowEmbeddings({}), {
    pool,
    tableName: `${name}_vectors`,
    dimensions: 1536,
  });
  const recordManager = new PostgresRecordManager(`bench/${name}`, {
    pool,
    tableName: `${name}_records`,
  });
  await recordManager.createSchema();
  return { vectorStore, recordManager };
}

/**
 * One `index()` run of `version` of the table into `name`'s tables; with `buildIndex`, then
 * the HNSW index its docs suggest (`createHnswIndex`, m = 16, ef_construction = 64: what
 * Drift builds), so a first run ends where Drift's does. Times include loading the rows.
 */
export async function runLangChainOnce(
  table: string,
  version: number,
  databaseUrl: string,
  name: string,
  buildIndex: boolean,
): Promise<PeerRun> {
  const { vectorStore, recordManager } = await openPeer(databaseUrl, name);
  try {
    const started = performance.now();
    const docsSource = await loadDocuments(table, version);
    const result = await index({
      docsSource,
      recordManager,
      vectorStore,
      options: { cleanup: 'full', sourceIdKey: 'source' },
    });
    if (buildIndex) await vectorStore.createHnswIndex({ dimensions: 1536 });
    return {
      seconds: (performance.now() - started) / 1000,
      added: result.numAdded,
      skipped: result.numSkipped,
    };
  } finally {
    // The store holds a pooled client; end() releases it and ends the pool.
    await vectorStore.end();
  }
}

/** index() twice (first run with the HNSW index, then a no-change re-run) into fresh tables. */
export async function runLangChainPeer(
  table: string,
  databaseUrl: string,
  name: string,
): Promise<{ first: PeerRun; again: PeerRun }> {
  const first = await runLangChainOnce(table, 0, databaseUrl, name, true);
  const again = await runLangChainOnce(table, 0, databaseUrl, name, false);
  return { first, again };
}
