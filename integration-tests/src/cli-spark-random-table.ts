import type { SparkConnectClient } from '@drift-spark/spark-connect';
import type { TicketRow } from './cli-harness.js';
import { pool, RandomRows } from './random-rows.js';

/**
 * A Delta table with Change Data Feed on, changed by random Spark SQL commits (UPDATE of
 * the text, no-op UPDATE, UPDATE of the key, DELETE, MERGE, INSERT, INSERT OVERWRITE, INSERT … REPLACE WHERE,
 * OPTIMIZE, ALTER TABLE ADD COLUMNS), and the test's model of it. Texts repeat across keys;
 * some are null or blank. Added columns stay null and out of the model.
 */
export class SparkRandomTable extends RandomRows {
  /** The operations committed so far, for the failure message of a seed. */
  readonly log: string[] = [];
  private addedColumns = 0;

  constructor(
    private readonly spark: SparkConnectClient,
    private readonly table: string,
    random: () => number,
  ) {
    super(random);
  }

  async create(count: number): Promise<void> {
    await this.sql(
      `CREATE TABLE ${this.table} (id BIGINT, body STRING, category STRING, n INT) USING DELTA TBLPROPERTIES (delta.enableChangeDataFeed = true)`,
    );
    await this.insert(count);
  }

  async randomCommit(): Promise<void> {
    const choice = this.random();
    if (choice < 0.12 || this.rows.size < 5) await this.insert(1 + this.int(3));
    else if (choice < 0.27) await this.updateText();
    else if (choice < 0.4) await this.noopUpdate();
    else if (choice < 0.46) await this.delete();
    else if (choice < 0.5) await this.setIds();
    else if (choice < 0.65) await this.merge();
    else if (choice < 0.78) await this.overwrite();
    else if (choice < 0.91) await this.replaceWhere();
    else if (choice < 0.94) await this.addColumn();
    else await this.sql(`OPTIMIZE ${this.table}`);
  }

  /** The table's latest version, from its history. */
  async version(): Promise<number> {
    const [last] = await this.spark.execute(`DESCRIBE HISTORY ${this.table} LIMIT 1`);
    return Number(last!.version);
  }

  /** Reads the table through Spark and throws unless it holds exactly the model's rows. */
  async verify(): Promise<void> {
    const actual = await this.spark
      .sql(`SELECT id, body, category, n FROM ${this.table}`)
      .collect();
    const text = (rows: Iterable<Partial<Record<keyof TicketRow, unknown>>>) =>
      JSON.stringify(
        [...rows]
          .map((row) => ({ id: Number(row.id), body: row.body, category: row.category, n: row.n }))
          .sort((a, b) => a.id - b.id),
      );
    if (text(actual) !== text(this.rows.values()))
      throw new Error(
        `the model is wrong after ${this.log.join('; ')}:\n model ${text(this.rows.values())}\n table ${text(actual)}`,
      );
  }

  /** Schema evolution: a commit of metadata only; older files lack the column. */
  private async addColumn(): Promise<void> {
    await this.sql(`ALTER TABLE ${this.table} ADD COLUMNS (added_${++this.addedColumns} STRING)`);
  }

  /** A row as a VALUES tuple of every column of the table (added ones null). */
  private tuple(row: TicketRow): string {
    return values(row, undefined, this.addedColumns);
  }

  private async insert(count: number): Promise<void> {
    const rows = Array.from({ length: count }, () => this.newRow());
    await this.sql(
      `INSERT INTO ${this.table} VALUES ${rows.map((row) => this.tuple(row)).join(', ')}`,
    );
    for (const row of rows) this.rows.set(row.id, row);
  }

  /** One text for a few keys (a text shared across keys). */
  private async updateText(): Promise<void> {
    const ids = this.someIds(3);
    const body = this.text();
    await this.sql(`UPDATE ${this.table} SET body = ${literal(body)} WHERE id IN (${ids})`);
    for (const id of ids) this.rows.set(id, { ...this.rows.get(id)!, body });
  }

  private async noopUpdate(): Promise<void> {
    await this.sql(`UPDATE ${this.table} SET body = body WHERE id IN (${this.someIds(3)})`);
  }

  private async delete(): Promise<void> {
    const ids = this.someIds(2);
    await this.sql(`DELETE FROM ${this.table} WHERE id IN (${ids})`);
    for (const id of ids) this.rows.delete(id);
  }

  /** `UPDATE … SET id = CASE id …`: rows move to new keys, or two swap theirs. */
  private async setIds(): Promise<void> {
    const moves = this.keyMoves(2);
    const cases = moves.map(([from, to]) => `WHEN ${from} THEN ${to}`).join(' ');
    const froms = moves.map(([from]) => from).join(', ');
    await this.sql(`UPDATE ${this.table} SET id = CASE id ${cases} END WHERE id IN (${froms})`);
    this.moveKeys(moves);
  }

  /** MERGE: a few updates (text or not), a delete, an insert. */
  private async merge(): Promise<void> {
    const ids = this.shuffledIds();
    const updates = ids.slice(0, 1 + this.int(3)).map((id) => {
      const row = this.rows.get(id)!;
      return this.random() < 0.5 ? { ...row, body: this.text() } : { ...row, n: this.int(1000) };
    });
    const deletes = ids.slice(updates.length, updates.length + this.int(2));
    const inserts = Array.from({ length: this.int(2) }, () => this.newRow());
    const source = [
      ...[...updates, ...inserts].map((row) => values(row, 'u')),
      ...deletes.map((id) => values({ id, body: null, category: null, n: null }, 'd')),
    ];
    await this.sql(
      `MERGE INTO ${this.table} AS t USING (SELECT * FROM VALUES ${source.join(', ')} AS s(id, body, category, n, op)) AS s ON t.id = s.id
       WHEN MATCHED AND s.op = 'd' THEN DELETE
       WHEN MATCHED THEN UPDATE SET body = s.body, category = s.category, n = s.n
       WHEN NOT MATCHED AND s.op = 'u' THEN INSERT (id, body, category, n) VALUES (s.id, s.body, s.category, s.n)`,
    );
    for (const row of [...updates, ...inserts]) this.rows.set(row.id, row);
    for (const id of deletes) this.rows.delete(id);
  }

  /** INSERT OVERWRITE: every row written again, some edited, some dropped, maybe a new one. */
  private async overwrite(): Promise<void> {
    const rows = this.rewritten(this.shuffledIds());
    if (rows.length === 0 || this.random() < 0.5) rows.push(this.newRow());
    await this.sql(
      `INSERT OVERWRITE ${this.table} VALUES ${rows.map((row) => this.tuple(row)).join(', ')}`,
    );
    this.rows.clear();
    for (const row of rows) this.rows.set(row.id, row);
  }

  /** INSERT … REPLACE WHERE id IN (…): those rows replaced (edited, dropped, new). */
  private async replaceWhere(): Promise<void> {
    const existing = this.someIds(4);
    const rows = this.rewritten(existing);
    if (rows.length === 0 || this.random() < 0.4) rows.push(this.newRow());
    const ids = [...new Set([...existing, ...rows.map((row) => row.id)])];
    const added = Array.from({ length: this.addedColumns }, (_, index) => `, added_${index + 1}`);
    await this.sql(
      `INSERT INTO ${this.table} REPLACE WHERE id IN (${ids}) SELECT * FROM VALUES ${rows.map((row) => this.tuple(row)).join(', ')} AS s(id, body, category, n${added.join('')})`,
    );
    for (const id of existing) this.rows.delete(id);
    for (const row of rows) this.rows.set(row.id, row);
  }

  private async sql(statement: string): Promise<void> {
    this.log.push(statement.split(' ').slice(0, 2).join(' '));
    await this.spark.execute(statement);
  }

  protected text(): string | null {
    const choice = this.random();
    if (choice < 0.06) return null;
    if (choice < 0.1) return '   ';
    if (choice < 0.65) return pool[this.int(pool.length)]!;
    this.fresh++;
    return `Ticket ${this.fresh}: ${pool[this.int(pool.length)]!.toLowerCase()}`;
  }

  private someIds(most: number): number[] {
    return this.shuffledIds().slice(0, 1 + this.int(most));
  }
}

function literal(value: string | null): string {
  if (value === null) return 'NULL';
  if (/['\\]/.test(value))
    throw new Error(`the test's texts have no quotes or backslashes: ${value}`);
  return `'${value}'`;
}

/**
 * A row as a SQL VALUES tuple (typed, so a column of NULLs still has its type), with `added`
 * null strings for the columns added since the table was created.
 */
function values(row: TicketRow, op?: string, added = 0): string {
  const parts = [
    `CAST(${row.id} AS BIGINT)`,
    `CAST(${literal(row.body)} AS STRING)`,
    `CAST(${literal(row.category)} AS STRING)`,
    `CAST(${row.n ?? 'NULL'} AS INT)`,
  ];
  for (let index = 0; index < added; index++) parts.push('CAST(NULL AS STRING)');
  if (op) parts.push(`'${op}'`);
  return `(${parts.join(', ')})`;
}
