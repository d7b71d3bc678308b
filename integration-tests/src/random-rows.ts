import type { TicketRow } from './cli-harness.js';

export const pool = [
  'I forgot my password and the reset email never arrives.',
  'I was charged twice this month; please refund the duplicate.',
  'The CSV export stops after 10,000 rows.',
  'Feature request: dark mode for the dashboard.',
  'Our SSO login loops back to the sign-in page.',
  'The invoice shows our old billing address.',
  'Webhooks that fail are never retried.',
  'The iOS app crashes when opening a large attachment.',
  'How do I invite a teammate without admin rights?',
  'Two-factor codes arrive too late and have expired.',
];
export const categories = ['billing', 'login', 'export', 'mobile', 'api', null];

/**
 * The model of a random table's rows, and the random choices the table writers share
 * (delta-rs in `RandomTable`, Spark SQL in `SparkRandomTable`). Each writer has its own
 * texts, so a seed replays the same table as before.
 */
export abstract class RandomRows {
  readonly rows = new Map<number, TicketRow>();
  protected nextId = 1;
  protected fresh = 0;

  constructor(protected readonly random: () => number) {}

  /** A text for a new or updated row (null, blank, from the pool, or a fresh one). */
  protected abstract text(): string | null;

  protected newRow(): TicketRow {
    return { id: this.nextId++, body: this.text(), category: this.category(), n: this.int(1000) };
  }

  /** The rows of `ids` as a rewrite writes them again: most as they are, some edited, some dropped. */
  protected rewritten(ids: number[]): TicketRow[] {
    const rows: TicketRow[] = [];
    for (const id of ids) {
      const choice = this.random();
      if (choice < 0.1) continue;
      const row = this.rows.get(id)!;
      rows.push(choice < 0.25 ? { ...row, body: this.text() } : row);
    }
    return rows;
  }

  /**
   * Key moves for an UPDATE of the key, [from, to] pairs: up to `most` rows move to new
   * keys, or (3 in 10) two rows swap theirs.
   */
  protected keyMoves(most: number): [number, number][] {
    const ids = this.shuffledIds();
    if (ids.length >= 2 && this.random() < 0.3)
      return [
        [ids[0]!, ids[1]!],
        [ids[1]!, ids[0]!],
      ];
    return ids.slice(0, 1 + this.int(most)).map((id) => [id, this.nextId++]);
  }

  /** Applies key moves to the model. */
  protected moveKeys(moves: [number, number][]): void {
    const moved = moves.map(([from, to]) => ({ ...this.rows.get(from)!, id: to }));
    for (const [from] of moves) this.rows.delete(from);
    for (const row of moved) this.rows.set(row.id, row);
  }

  protected category(): string | null {
    return categories[this.int(categories.length)]!;
  }

  protected shuffledIds(): number[] {
    const ids = [...this.rows.keys()];
    for (let index = ids.length - 1; index > 0; index--) {
      const other = this.int(index + 1);
      [ids[index], ids[other]] = [ids[other]!, ids[index]!];
    }
    return ids;
  }

  protected int(below: number): number {
    return Math.floor(this.random() * below);
  }
}
