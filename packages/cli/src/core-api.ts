import type {
  CheckpointRef,
  Embedder,
  EmbedRunOptions,
  Ledger,
  PlanResult,
  RunOptions,
  RunResult,
  Sink,
  SyncResult,
  SyncRunOptions,
} from '@drift-spark/core';
import type { AdoptResult, RecoverResult, RecoverRunOptions } from '@drift-spark/core/internal';
import * as core from '@drift-spark/core/internal';
import { CliError } from './errors/cli-error.js';

/**
 * The engine functions the CLI calls, looked up on @drift-spark/core at first use, so a
 * core too old for this CLI is one clear line instead of a link error at start-up.
 */
export interface CoreEngine {
  embed(options: EmbedRunOptions): Promise<RunResult>;
  sync(options: SyncRunOptions): Promise<SyncResult>;
  recover(options: RecoverRunOptions): Promise<RecoverResult>;
  adoptSink(options: RunOptions): Promise<AdoptResult>;
  recreatedFrom(
    ledger: Ledger,
    ref: CheckpointRef,
    location: string | undefined,
  ): Promise<string[]>;
  planEmbed(options: EmbedRunOptions): Promise<PlanResult>;
  planSync(options: SyncRunOptions): Promise<PlanResult>;
  createShadowEmbedder(options: { model: string; dimensions?: number }): Embedder;
  shadowMode(embedder: Embedder): Embedder;
  createMemorySink(options?: Record<string, unknown>): Sink;
  createMemoryLedger(options?: Record<string, unknown>): Ledger;
}

export function coreFunction<Name extends keyof CoreEngine>(name: Name): CoreEngine[Name] {
  const value = (core as unknown as Record<string, unknown>)[name];
  if (typeof value !== 'function') {
    throw new CliError(
      `@drift-spark/core has no ${name}(): install the @drift-spark/core version that matches @drift-spark/cli.`,
      {
        code: 'missing-plugin',
      },
    );
  }
  return value as CoreEngine[Name];
}
