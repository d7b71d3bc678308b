import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLedger } from '@drift-spark/ledger';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  pythonPath,
  runDrift,
  type TicketRow,
} from './cli-harness.js';
import { expectedPoints, expectSinkEqualsTable } from './cli-state.js';

/** One index of a project file on the `support` table, in shadow mode. */
export function projectIndex(
  name: string,
  sink: string,
  model = 'openai/text-embedding-3-small',
): string {
  return `
  ${name}:
    source: { table: ./support, textColumn: body }
    embedder: { model: ${model}, shadowMode: true, price: 0.02 }
    sink: ${sink}
`;
}

/**
 * A folder with a `support` Delta table of 12 tickets and a project file: runs the built
 * CLI there, changes the table and compares a sink with it.
 */
export class ProjectWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'drift-cli-project-'));
  readonly live = new Map<number, TicketRow>();
  readonly #writer = new DeltaWriter(pythonPath());
  readonly #started = Date.now();
  #sourceId = '';

  static async create(): Promise<ProjectWorkspace> {
    assertBuilt();
    const workspace = new ProjectWorkspace();
    const rows: TicketRow[] = Array.from({ length: 12 }, (_, index) => ({
      id: index + 1,
      body: `ticket ${index + 1}: my parcel was sent to the wrong address (${'y'.repeat(index)})`,
      category: index % 2 === 0 ? 'shipping' : 'account',
      n: index,
    }));
    for (const row of rows) workspace.live.set(row.id, row);
    await workspace.#writer.request({ op: 'create', path: join(workspace.dir, 'support'), rows });
    return workspace;
  }

  async run(args: string[]) {
    const result = await runDrift(args, { cwd: this.dir, env: this.env() });
    console.info(`${((Date.now() - this.#started) / 1000).toFixed(1)} s: drift ${args.join(' ')}`);
    return result;
  }

  env(): NodeJS.ProcessEnv {
    return childEnv(this.dir);
  }

  writeProject(...indexes: string[]): void {
    writeFileSync(
      join(this.dir, 'drift.yaml'),
      `ledger: ./.drift/ledger.db\nindexes:${indexes.join('')}`,
    );
  }

  /** A PGlite sink of this folder, as the ledger names it. */
  sinkUri(folder: string, table = folder): string {
    return `pglite://${this.dir}/.drift/${folder}?table=${table}`;
  }

  /** Rewrites one ticket's body in one commit. */
  async change(id: number, body: string): Promise<void> {
    const row = { ...this.live.get(id)!, body };
    this.live.set(id, row);
    await this.#writer.request({ op: 'merge', upserts: [row], deletes: [] });
  }

  /** The sink holds exactly one point per live ticket, with its text's hash. */
  async expectInStep(uri: string, label: string): Promise<void> {
    if (this.#sourceId === '') {
      const ledger = createSqliteLedger({ path: join(this.dir, '.drift/ledger.db') });
      const [run] = await ledger.recentRuns({ limit: 1 }).finally(() => ledger.close());
      this.#sourceId = run!.sourceId;
    }
    await expectSinkEqualsTable(
      uri,
      expectedPoints(this.#sourceId, this.live.values()),
      label,
      'hash',
    );
  }

  close(): void {
    this.#writer.close();
    if (!process.env.KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}
