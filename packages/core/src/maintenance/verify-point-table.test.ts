import { describe, expect, it } from 'vitest';
import { SeenPoints } from '../engine/engine-seen-points.js';
import { contentHash } from '../identity/content-hash.js';
import { pointId } from '../identity/point-id.js';
import {
  InLedger,
  InSink,
  InTable,
  LedgerSide,
  PointTable,
  SinkSide,
  TableSide,
} from './verify-point-table.js';

describe('PointTable', () => {
  it('keeps every id through growth, with each side flagged and its hash compared', () => {
    const table = new PointTable(8);
    const ids = Array.from({ length: 5000 }, (_, index) => pointId('source', String(index)));
    for (const [index, id] of ids.entries()) {
      table.add(id, TableSide, contentHash(`text ${index}`), InTable);
      if (index % 2 === 0) table.add(id, SinkSide, contentHash(`text ${index}`), InSink);
      if (index % 3 === 0) table.add(id, LedgerSide, contentHash(`other ${index}`), InLedger);
    }
    expect(table.size).toBe(ids.length);
    const seen = new Map<string, { flags: number; sameSink: boolean; sameLedger: boolean }>();
    for (const entry of table.entries())
      seen.set(entry.id, {
        flags: entry.flags,
        sameSink: entry.same(TableSide, SinkSide),
        sameLedger: entry.same(TableSide, LedgerSide),
      });
    expect(new Set(seen.keys())).toEqual(new Set(ids));
    for (const [index, id] of ids.entries()) {
      const entry = seen.get(id)!;
      expect(entry.flags & InSink).toBe(index % 2 === 0 ? InSink : 0);
      expect(entry.flags & InLedger).toBe(index % 3 === 0 ? InLedger : 0);
      if (index % 2 === 0) expect(entry.sameSink).toBe(true);
      if (index % 3 === 0) expect(entry.sameLedger).toBe(false);
    }
  });
});

describe('SeenPoints', () => {
  it('answers for ids added, and not for others', () => {
    const seen = new SeenPoints();
    for (let index = 0; index < 3000; index += 2) seen.add(pointId('s', String(index)));
    for (let index = 0; index < 3000; index++)
      expect(seen.has(pointId('s', String(index)))).toBe(index % 2 === 0);
  });
});
