import { createLancedbSink, type LancedbSink } from './lancedb-sink.js';
import { parseLancedbUri } from './lancedb-uri.js';

/**
 * The sink a `lancedb://` URI names. Lazy: LanceDB is loaded by `open()`. On an object
 * store LanceDB reads its credentials from the usual environment (AWS_*, GOOGLE_*, AZURE_*).
 */
export function createLancedbSinkFromUri(
  uri: string,
  options: { storeContent?: boolean } = {},
): LancedbSink {
  const parsed = parseLancedbUri(uri);
  const storeContent = options.storeContent ?? parsed.storeContent;
  return createLancedbSink({
    path: parsed.path,
    table: parsed.table,
    ...(storeContent === undefined ? {} : { storeContent }),
    ...(parsed.index ? { index: parsed.index } : {}),
  });
}
