import { existsSync } from 'node:fs';
import { redactUri } from '@drift-spark/core';
import { searchRows } from '@drift-spark/core/internal';
import type { CliIo } from '../cli-io.js';
import { ExitCode, usageError } from '../errors/cli-error.js';
import { shellQuote } from '../output/format.js';
import { defaultModel, resolveEmbedder } from '../resolve/resolve-embedder.js';
import { ledgerPath, openLedger } from '../resolve/resolve-ledger.js';
import { createSinkFromUri } from '../resolve/resolve-sink.js';
import { withCommand } from './command-context.js';
import { adapterEmbedderFor } from './migrate/migrate-search-adapter.js';
import { jsonHits, renderHits, rowResults } from './search-results.js';

export interface SearchOptions {
  sink: string;
  model?: string;
  shadowMode?: boolean;
  k?: number;
  dimensions?: number;
  ledger?: string;
  json?: boolean;
  /** One line per chunk instead of one per row (a sink of chunks). */
  chunks?: boolean;
}

/** Embeds the query with the sink's model and prints the nearest rows (best chunk each), or chunks. */
export function searchCommand(query: string, options: SearchOptions, io: CliIo): Promise<number> {
  return withCommand(io, options, async (output, track) => {
    if (query.trim() === '')
      throw usageError('The query is empty: drift search --sink URI --model M "what to look for".');
    const model = options.model ?? defaultModel;
    const chosen = await resolveEmbedder({
      model,
      shadow: options.shadowMode === true,
      dimensions: options.dimensions,
      env: io.env,
      importer: io.importer,
    });
    const sink = await createSinkFromUri(options.sink, io.importer, io.cwd);
    track.sinkId(sink.id);
    track.close(() => sink.close());
    // --model B on SINK_A while a migration to B has an adapter: B's query, mapped into A's space.
    const path = ledgerPath(options.ledger, io.env, io.cwd);
    let embedder = chosen;
    if (existsSync(path)) {
      const ledger = await openLedger(path, io.importer);
      track.close(() => ledger.close());
      embedder = (await adapterEmbedderFor(ledger, sink.id, chosen, io)) ?? chosen;
    }
    await sink.open({
      dimensions: embedder.dimensions,
      distance: 'cosine',
      model: embedder.id,
      signal: io.signal,
    });
    const { vectors } = await embedder.embed([query], { signal: io.signal });
    const vector = vectors[0];
    if (!vector) throw new Error(`${embedder.id} returned no vector for the query.`);
    const k = options.k ?? 5;
    // Rows by default: a sink of chunks answers with the best chunk of each row (search-rows.ts).
    const lines = options.chunks
      ? (await sink.search(vector, { k, signal: io.signal })).map((hit) => ({ hit }))
      : rowResults((await searchRows(sink, vector, { k, signal: io.signal })).rows);

    if (output.json) {
      output.result({
        query,
        model: embedder.id,
        sink: redactUri(sink.id),
        results: options.chunks ? 'chunks' : 'rows',
        hits: jsonHits(lines),
      });
      return ExitCode.Done;
    }
    if (lines.length === 0) {
      output.line(
        `No points in ${redactUri(sink.id)}: embed a table into it first (drift embed --sink ${shellQuote(redactUri(options.sink))} …).`,
      );
      return ExitCode.Done;
    }
    output.line(renderHits(output, lines));
    output.line(
      output.colors.dim(
        `point ids: ${lines.map(({ hit }) => hit.id).join(' ')}  (drift provenance ID shows where one came from)`,
      ),
    );
    return ExitCode.Done;
  });
}
