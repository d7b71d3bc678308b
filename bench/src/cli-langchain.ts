/**
 * The peer of `drift embed` for bench/src/cli.ts: LangChain.js `index()` with its
 * PostgresRecordManager and a PGVectorStore on the same PostgreSQL, the same rows (read
 * with Drift's Delta source, then handed over as LangChain loads them: all in memory) and
 * the same shadow vectors (Drift's shadow embedder behind LangChain's Embeddings).
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
    for (let start = 0; start < texts.length; start += 2048) {
      const result = await this.shadow.embed(texts.slice(start, start + 2048));
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
async function loadDocuments(table: string): Promise<Document[]> {
  const source = createDeltaSource({ path: table });
  const documents: Document[] = [];
  for await (const batch of source.scan({ columns: ['id', 'text'], version: 0 })) {
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

/** index() twice (first run, then a no-change re-run) into a fresh table; times include loading the rows. */
export async function runLangChainPeer(
  table: string,
  databaseUrl: string,
  name: string,
): Promise<{ first: PeerRun; again: PeerRun }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  let store: PGVectorStore | undefined;
  try {
    const embeddings = new ShadowEmbeddings({});
    const vectorStore = await PGVectorStore.initialize(embeddings, {
      pool,
      tableName: `${name}_vectors`,
      dimensions: 1536,
    });
    store = vectorStore;
    const recordManager = new PostgresRecordManager(`bench/${name}`, {
      pool,
      tableName: `${name}_records`,
    });
    await recordManager.createSchema();
    const run = async (): Promise<PeerRun> => {
      const started = performance.now();
      const docsSource = await loadDocuments(table);
      const result = await index({
        docsSource,
        recordManager,
        vectorStore,
        options: { cleanup: 'full', sourceIdKey: 'source' },
      });
      return {
        seconds: (performance.now() - started) / 1000,
        added: result.numAdded,
        skipped: result.numSkipped,
      };
    };
    const first = await run();
    const again = await run();
    return { first, again };
  } finally {
    // The store holds a pooled client; end() releases it and ends the pool.
    if (store) await store.end();
    else await pool.end();
  }
}
