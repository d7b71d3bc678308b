import { describe, expect, it } from 'vitest';
import { PageArena } from './page-arena.js';

/** Fills each allocation with its own byte, then checks that no later one overwrote it. */
function fillAll(arena: PageArena, lengths: number[]): Uint8Array[] {
  return lengths.map((length, index) => arena.allocate(length).fill((index % 250) + 1));
}

function intact(pages: Uint8Array[]): boolean {
  return pages.every((page, index) => page.every((byte) => byte === (index % 250) + 1));
}

describe('PageArena', () => {
  it('hands out memory that does not overlap until it is reset, any mix of sizes', () => {
    const arena = new PageArena();
    let seed = 5;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const lengths = Array.from({ length: 300 }, () =>
      random() < 0.05
        ? 4 * 1024 * 1024 + Math.floor(random() * 100_000)
        : Math.floor(random() * 300_000),
    );
    const pages = fillAll(arena, lengths);
    expect(pages.map((page) => page.length)).toEqual(lengths);
    expect(intact(pages)).toBe(true);
    arena.release();
  });

  it('aligns every allocation to 8 bytes, so typed arrays can view it', () => {
    const arena = new PageArena();
    for (const length of [1, 3, 7, 9, 1000, 13])
      expect(arena.allocate(length).byteOffset % 8).toBe(0);
    arena.release();
  });

  it('reuses the same memory after a reset, and after a release in the next arena', () => {
    const first = new PageArena();
    const before = first.allocate(1000);
    first.reset();
    expect(first.allocate(1000).buffer).toBe(before.buffer);
    first.release();
    const second = new PageArena();
    expect(second.allocate(500).buffer).toBe(before.buffer);
    second.release();
  });

  it('never lets two live arenas share memory', () => {
    const left = new PageArena();
    const right = new PageArena();
    const leftPages = fillAll(left, [3_000_000, 2_000_000, 100]);
    const rightPages = fillAll(right, [3_000_000, 2_000_000, 100]).map((page) => page.fill(0x7f));
    expect(intact(leftPages)).toBe(true);
    expect(rightPages.every((page) => page.every((byte) => byte === 0x7f))).toBe(true);
    left.release();
    right.release();
  });
});
