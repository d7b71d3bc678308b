import type { DeltaWriter, TicketRow } from './cli-harness.js';
import { pool, RandomRows } from './random-rows.js';

export { categories, pool } from './random-rows.js';

/**
 * The test's model of the table, and random commits applied to both it and the real
 * table: inserts, updates of the text and of other columns, deletes, texts shared by
 * several keys, null, empty and blank texts, and commits that rewrite rows in files
 * without cdc files or next to them (no-op UPDATEs, overwrites, predicate overwrites):
 * a delete and an insert of the same key in one version; UPDATEs of the key itself (a row
 * moves to another key, or two swap keys); and appends that add a column
 * (schema evolution: older files lack it), which the model does not follow.
 */
export class RandomTable extends RandomRows {
  version = -1;
  private addedColumns = 0;

  constructor(
    random: () => number,
    private readonly writer: DeltaWriter,
  ) {
    super(random);
  }

  /** `storageOptions` are deltalake's, for a table in an object store. */
  async create(
    path: string,
    count: number,
    storageOptions?: Record<string, string>,
    changeDataFeed = true,
  ): Promise<void> {
    const rows = Array.from({ length: count }, () => this.newRow());
    const request = { op: 'create', path, rows, storage_options: storageOptions, changeDataFeed };
    this.version = (await this.writer.request(request)).version;
    for (const row of rows) this.rows.set(row.id, row);
  }

  /** Takes over an existing table of the same columns (e.g. the WordNet corpus): its rows become the model. */
  async open(path: string): Promise<void> {
    await this.writer.request({ op: 'open', path });
    const snapshot = await this.writer.request({ op: 'snapshot' });
    for (const row of snapshot.rows ?? []) this.rows.set(row.id, row);
    this.version = snapshot.version;
    this.nextId = Math.max(0, ...this.rows.keys()) + 1;
  }

  async randomCommits(count: number): Promise<void> {
    for (let index = 0; index < count; index++) await this.randomCommit();
  }

  async randomCommit(): Promise<void> {
    const choice = this.random();
    if (choice < 0.15 || this.rows.size < 5) await this.append();
    else if (choice < 0.4) await this.merge();
    else if (choice < 0.45) await this.setIds();
    else if (choice < 0.55) await this.setCategory();
    else if (choice < 0.65) await this.delete();
    else if (choice < 0.75) await this.noopUpdate();
    else if (choice < 0.85) await this.setBody();
    else if (choice < 0.93) await this.overwriteWhere();
    else if (choice < 0.96) await this.appendNewColumn();
    else await this.overwrite();
  }

  /** Reads the real table back and throws unless it holds exactly the model's rows. */
  async verify(): Promise<void> {
    const snapshot = await this.writer.request({ op: 'snapshot' });
    const actual = new Map((snapshot.rows ?? []).map((row) => [row.id, row]));
    const describe = (rows: Iterable<TicketRow>) =>
      JSON.stringify([...rows].sort((a, b) => a.id - b.id));
    if (
      snapshot.version !== this.version ||
      describe(actual.values()) !== describe(this.rows.values())
    )
      throw new Error(
        `the table model is wrong at version ${snapshot.version}:\n model ${describe(this.rows.values())}\n table ${describe(actual.values())}`,
      );
  }

  /** A large commit, for runs long enough to be killed in the middle. */
  async bulkMerge(updates: number, inserts: number, deletes: number): Promise<void> {
    await this.merge({ updates, inserts, deletes });
  }

  private async append(): Promise<void> {
    const rows = Array.from({ length: 1 + this.int(6) }, () => this.newRow());
    this.version = (await this.writer.request({ op: 'append', rows })).version;
    for (const row of rows) this.rows.set(row.id, row);
  }

  /** An append that adds a string column (`schema_mode="merge"`), as a pipeline's schema evolves. */
  private async appendNewColumn(): Promise<void> {
    const rows = Array.from({ length: 1 + this.int(3) }, () => this.newRow());
    const column = `added_${++this.addedColumns}`;
    const values = rows.map(() => (this.random() < 0.5 ? null : `v${this.int(1000)}`));
    this.version = (
      await this.writer.request({ op: 'append_new_column', rows, column, values })
    ).version;
    for (const row of rows) this.rows.set(row.id, row);
  }

  private async merge(sizes?: {
    updates: number;
    inserts: number;
    deletes: number;
  }): Promise<void> {
    const ids = this.shuffledIds();
    const updateCount = sizes?.updates ?? 1 + this.int(4);
    const deleteCount = sizes?.deletes ?? this.int(3);
    const updated = ids.slice(0, Math.min(updateCount, ids.length));
    const deleted = ids.slice(
      updated.length,
      updated.length + Math.min(deleteCount, Math.max(0, ids.length - updated.length - 3)),
    );
    const upserts: TicketRow[] = updated.map((id) => {
      const current = this.rows.get(id)!;
      // Half the updates change the text, half only the other columns.
      return this.random() < 0.5
        ? { ...current, body: this.text() }
        : { ...current, category: this.category(), n: this.int(1000) };
    });
    const inserts = Array.from({ length: sizes?.inserts ?? this.int(3) }, () => this.newRow());
    this.version = (
      await this.writer.request({
        op: 'merge',
        upserts: [...upserts, ...inserts],
        deletes: deleted,
      })
    ).version;
    for (const row of [...upserts, ...inserts]) this.rows.set(row.id, row);
    for (const id of deleted) this.rows.delete(id);
  }

  private async setCategory(): Promise<void> {
    const ids = this.shuffledIds().slice(0, 1 + this.int(4));
    const category = this.category() ?? 'other';
    this.version = (await this.writer.request({ op: 'set_category', ids, category })).version;
    for (const id of ids) this.rows.set(id, { ...this.rows.get(id)!, category });
  }

  /** Deletes the `count` newest rows (highest ids): those the last bulk merge inserted. */
  async deleteNewest(count: number): Promise<void> {
    const ids = [...this.rows.keys()].sort((a, b) => b - a).slice(0, count);
    if (ids.length === 0) return;
    this.version = (await this.writer.request({ op: 'delete', ids })).version;
    for (const id of ids) this.rows.delete(id);
  }

  private async delete(): Promise<void> {
    const ids = this.shuffledIds().slice(0, 1 + this.int(3));
    this.version = (await this.writer.request({ op: 'delete', ids })).version;
    for (const id of ids) this.rows.delete(id);
  }

  /**
   * `UPDATE … SET id = CASE id WHEN a THEN b … END`: rows change key (the change feed has the
   * old key only in a pre-image); some move to new keys, two may swap theirs.
   */
  private async setIds(): Promise<void> {
    const moves = this.keyMoves(3);
    this.version = (await this.writer.request({ op: 'set_ids', moves })).version;
    this.moveKeys(moves);
  }

  /** `UPDATE … SET body = body`: delta-rs rewrites the file and writes no cdc files. */
  private async noopUpdate(): Promise<void> {
    const ids = this.shuffledIds().slice(0, 1 + this.int(3));
    this.version = (await this.writer.request({ op: 'noop_update', ids })).version;
  }

  /** One new text for a few keys (texts shared across keys), through `DeltaTable.update`. */
  private async setBody(): Promise<void> {
    const ids = this.shuffledIds().slice(0, 1 + this.int(3));
    const body = this.text() ?? pool[this.int(pool.length)]!;
    this.version = (await this.writer.request({ op: 'set_body', ids, body })).version;
    for (const id of ids) this.rows.set(id, { ...this.rows.get(id)!, body });
  }

  /** `mode="overwrite"`: every row written again, some edited, some dropped, some new. */
  private async overwrite(): Promise<void> {
    const rows = this.rewritten(this.shuffledIds());
    rows.push(...Array.from({ length: this.int(3) }, () => this.newRow()));
    this.version = (await this.writer.request({ op: 'overwrite', rows })).version;
    this.rows.clear();
    for (const row of rows) this.rows.set(row.id, row);
  }

  /** `mode="overwrite", predicate="id IN (…)"`: those rows replaced (edited, dropped, new). */
  private async overwriteWhere(): Promise<void> {
    const existing = this.shuffledIds().slice(0, 1 + this.int(5));
    const rows = this.rewritten(existing);
    rows.push(...Array.from({ length: this.int(3) }, () => this.newRow()));
    const ids = [...existing, ...rows.map((row) => row.id).filter((id) => !this.rows.has(id))];
    this.version = (await this.writer.request({ op: 'overwrite_where', ids, rows })).version;
    for (const id of existing) this.rows.delete(id);
    for (const row of rows) this.rows.set(row.id, row);
  }

  protected text(): string | null {
    const choice = this.random();
    if (choice < 0.07) return null;
    if (choice < 0.1) return '';
    if (choice < 0.12) return '   ';
    if (choice < 0.6) return pool[this.int(pool.length)]!;
    this.fresh++;
    return `Ticket ${this.fresh}: ${pool[this.int(pool.length)]!.toLowerCase()} (case ${this.int(100000)})`;
  }
}
