import { LedgerError } from '@drift-spark/core';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The `names` table: each sink, source, model, fingerprint and run id is stored once and
 * referenced by number. A name's number never changes and is never reused, so both
 * directions are cached for the life of the ledger, even across processes.
 */
export class LedgerNames {
  readonly #ids = new Map<string, number>();
  readonly #names = new Map<number, string>();
  readonly #db: BetterSqlite3.Database;
  readonly #select: BetterSqlite3.Statement<[string], number>;
  readonly #selectName: BetterSqlite3.Statement<[number], string>;
  readonly #insert: BetterSqlite3.Statement<[string]>;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#select = db.prepare<[string], number>('SELECT id FROM names WHERE name = ?').pluck();
    this.#selectName = db.prepare<[number], string>('SELECT name FROM names WHERE id = ?').pluck();
    this.#insert = db.prepare<[string]>(
      'INSERT INTO names (name) VALUES (?) ON CONFLICT (name) DO NOTHING',
    );
  }

  /** The number of `name`, or undefined when the ledger has never seen it. */
  find(name: string): number | undefined {
    const cached = this.#ids.get(name);
    if (cached !== undefined) return cached;
    const id = this.#select.get(name);
    if (id !== undefined) this.#remember(name, id);
    return id;
  }

  /**
   * Makes sure every name has a number. New names are committed in their own small
   * transaction before the caller's, so the cache never holds a number that a rolled
   * back transaction took away.
   */
  ensure(names: Iterable<string>): void {
    const missing: string[] = [];
    for (const name of names) {
      if (!this.#ids.has(name) && this.find(name) === undefined) missing.push(name);
    }
    if (missing.length === 0) return;
    this.#db
      .transaction(() => {
        for (const name of missing) this.#insert.run(name);
      })
      .immediate();
    for (const name of missing) {
      if (this.find(name) === undefined)
        throw new LedgerError(`The ledger could not record the name ${JSON.stringify(name)}.`);
    }
  }

  /** The number of a name that `ensure` has seen. */
  id(name: string): number {
    const id = this.#ids.get(name);
    if (id === undefined)
      throw new LedgerError(
        `The ledger has no number for ${JSON.stringify(name)}; this is a bug in @drift-spark/ledger.`,
      );
    return id;
  }

  /** The name behind a number read from the ledger. */
  name(id: number): string {
    const cached = this.#names.get(id);
    if (cached !== undefined) return cached;
    const name = this.#selectName.get(id);
    if (name === undefined)
      throw new LedgerError(
        `The ledger refers to name #${id}, which it does not hold; the file may be damaged.`,
      );
    this.#remember(name, id);
    return name;
  }

  #remember(name: string, id: number): void {
    this.#ids.set(name, id);
    this.#names.set(id, name);
  }
}
