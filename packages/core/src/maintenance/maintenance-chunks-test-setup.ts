/** Test setup for maintenance of chunked sinks: `verify` of a `chunkSetup` sink, chunked or not. */
import { type chunkSetup, spec } from '../engine/engine-chunks-test-setup.js';
import { verify } from './verify.js';

/** Verifies the setup's sink against its table, cut by `spec` (or as whole rows). */
export function chunkVerifier(setup: ReturnType<typeof chunkSetup>) {
  const { source, sink, ledger, embedder } = setup;
  return (chunked = true) =>
    verify({
      source,
      sink,
      ledger,
      textColumn: 'text',
      model: embedder.id,
      dimensions: embedder.dimensions,
      ...(chunked ? { chunking: spec, countTokens: embedder.countTokens } : {}),
    });
}
