import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TicketRow } from './cli-harness.js';
import { type DriftRun, parseJson, runDrift } from './cli-harness.js';
import type { RandomTable } from './cli-random-table.js';
import { expectedPoints, ledgerPointCount, readSink } from './cli-state.js';

const model = 'openai/text-embedding-3-small';
const dimensions = 1536;

export interface BucketAgainstLocal {
  work: string;
  /** The model of the table and its writer; `checkpoint()` asks the writer for a checkpoint. */
  table: RandomTable;
  checkpoint(): Promise<void>;
  /** The table in the store, and the same table on local disk. */
  bucketUri: string;
  localPath: string;
  /** Makes the two byte-for-byte the same (copies down or up, as the store's test writes). */
  mirror(): Promise<void>;
  /** The child's environment, with the store's endpoint and credentials. */
  env: NodeJS.ProcessEnv;
  /** Strings that must appear in no output and not in the ledger. */
  secrets: string[];
}

/** A run's counters, without what differs between two sinks, ledgers or runs. */
function counters(run: DriftRun): Record<string, unknown> {
  expect(run.code, run.stderr).toBe(0);
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parseJson(run))) {
    if (/^(runId|sink|ledger|table|durationS)$/.test(name)) continue;
    kept[name] = value;
  }
  return kept;
}

export interface SideBySideOptions {
  work: string;
  /** The table in the store, and the same table on local disk. */
  bucketUri: string;
  localPath: string;
  /** The child's environment, with the store's endpoint and credentials. */
  env: NodeJS.ProcessEnv;
}

/**
 * Runs the same drift command on the bucket and on the local copy, each into its own
 * PGlite sink and ledger: the same counters (the source id included: it is the Delta table
 * id), both sinks equal to the rows given, ledgers in step. Keeps every output, so no
 * secret can hide in one.
 */
export function sideBySide(options: SideBySideOptions) {
  const { work, env } = options;
  const outputs: string[] = [];
  const sides = [
    { table: options.bucketUri, name: 'bucket' },
    { table: options.localPath, name: 'local' },
  ].map((side) => ({
    ...side,
    sink: `pglite://${join(work, `sink-${side.name}`)}?table=t`,
    ledger: join(work, `${side.name}.db`),
  }));
  const run = async (command: string, side: (typeof sides)[number]) => {
    const args = [command, '--table', side.table, '--text-col', 'body', '--shadow-mode'];
    args.push('--sink', side.sink, '--ledger', side.ledger, '--batch-size', '16', '--json');
    const result = await runDrift(args, { cwd: work, env });
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  return {
    async compare(command: string, label: string, rows: Iterable<TicketRow>): Promise<void> {
      const runs = [await run(command, sides[0]!), await run(command, sides[1]!)];
      const [fromBucket, fromDisk] = runs.map(counters);
      expect(fromBucket, `${label}: counters`).toEqual(fromDisk);
      expect(fromBucket!.status, label).toBe('succeeded');
      const expected = expectedPoints(String(fromBucket!.source), rows);
      for (const [index, side] of sides.entries()) {
        expect(await readSink(side.sink, model, dimensions), `${label}: ${side.name} sink`).toEqual(
          expected,
        );
        const sinkId = String(parseJson(runs[index]!).sink);
        expect(await ledgerPointCount(side.ledger, sinkId), `${label}: ledger`).toBe(expected.size);
      }
    },
    /** No secret in any output so far, nor in the bucket side's ledger file. */
    expectNoSecret(secrets: string[]): void {
      for (const secret of secrets) {
        for (const output of outputs) expect(output).not.toContain(secret);
        expect(readFileSync(sides[0]!.ledger).includes(secret), 'ledger file').toBe(false);
      }
    },
  };
}

/**
 * `drift embed`, then `drift watch` over random updates, deletes and checkpoints, on the
 * bucket and on the local copy: the same counters, both sinks equal to the table, ledgers
 * in step, and no secret anywhere.
 */
export async function compareBucketWithLocal(options: BucketAgainstLocal): Promise<void> {
  const { table } = options;
  const both = sideBySide(options);
  const compare = async (command: string, label: string) => {
    await options.mirror();
    await both.compare(command, label, table.rows.values());
  };
  await compare('embed', 'embed');
  for (let round = 0; round < 3; round++) {
    await table.randomCommits(1 + (round % 2));
    if (round === 1) await options.checkpoint();
    await compare('watch', `watch round ${round}`);
  }
  both.expectNoSecret(options.secrets);
  rmSync(options.localPath, { recursive: true, force: true });
}
