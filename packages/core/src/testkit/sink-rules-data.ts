import { expect } from 'vitest';
import { pointId } from '../identity/point-id.js';
import { expectStored, expectVector, idsOf } from './sink-assertions.js';
import type { SinkRule } from './sink-harness.js';
import { conformancePoint, unitVector } from './testkit-helpers.js';

/** Texts that break sloppy encodings: emoji, CJK, combining marks (not NFC-normalised), escapes. */
const unicodeTexts = [
  'emoji 🚀👩‍👩‍👧 flags 🇯🇵',
  '東京の天気は晴れ、한국어, 中文',
  'combining: e\u0301 (not é), A\u030a, \u1100\u1161',
  'quotes "double" \'single\', \\back\\slash, tab\tand a\nnewline',
  'right-to-left: עברית العربية',
];

/** Writing and reading points: payloads exactly as written, overwrite, delete, count. */
export const dataRules: SinkRule[] = [
  {
    name: 'round-trips points with the payload exactly preserved',
    async run(h) {
      const { sink } = await h.fresh();
      const written = [
        conformancePoint('plain', unitVector(h.dimensions, 11)),
        conformancePoint('typed', unitVector(h.dimensions, 12), {
          metadata: {
            title: 'Ça va?',
            count: 3,
            ratio: 0.25,
            ok: true,
            none: null,
            tags: ['a', 'b'],
            nested: { deep: [1, 2] },
          },
        }),
        conformancePoint('no-content', unitVector(h.dimensions, 13), {
          content: null,
          metadata: null,
        }),
      ];
      await sink.upsert(written);
      await expectStored(sink, written);
      const [withoutVector] = await sink.retrieve([written[0]!.id]);
      expect(withoutVector!.payload).toEqual(written[0]!.payload);
    },
  },
  {
    name: 'keeps unicode keys, text and metadata byte for byte (emoji, CJK, combining marks)',
    async run(h) {
      const { sink } = await h.fresh();
      const written = unicodeTexts.map((text, index) =>
        conformancePoint(
          `ключ-${index}-${Array.from(text).slice(0, 12).join('')}`,
          unitVector(h.dimensions, index + 40),
          {
            content: text,
            metadata: { [`名前-${index}`]: text, list: [text, '🚀'] },
          },
        ),
      );
      // `é` precomposed and decomposed are two keys, two points.
      written.push(
        conformancePoint('caf\u00e9', unitVector(h.dimensions, 50)),
        conformancePoint('cafe\u0301', unitVector(h.dimensions, 51)),
      );
      await sink.upsert(written);
      expect(await sink.count()).toBe(written.length);
      await expectStored(sink, written);
      const [hit] = await sink.search(written[0]!.vector, { k: 1 });
      expect(hit!.payload).toEqual(written[0]!.payload);
    },
  },
  {
    name: 'overwrites a point upserted again under the same id',
    async run(h) {
      const { sink } = await h.fresh();
      const first = conformancePoint('row', unitVector(h.dimensions, 1), { content: 'old text' });
      const second = conformancePoint('row', unitVector(h.dimensions, 2), {
        content: 'new text',
        run_id: 'run-2',
      });
      await sink.upsert([first]);
      await sink.upsert([second]);
      expect(await sink.count()).toBe(1);
      await expectStored(sink, [second]);
    },
  },
  {
    name: 'keeps the last of two points with the same id in one upsert',
    async run(h) {
      const { sink } = await h.fresh();
      const [other] = h.points(1, 7);
      const first = conformancePoint('twice', unitVector(h.dimensions, 3), { content: 'first' });
      const last = conformancePoint('twice', unitVector(h.dimensions, 4), { content: 'last' });
      await sink.upsert([first, other!, last]);
      expect(await sink.count()).toBe(2);
      await expectStored(sink, [last, other!]);
      const [hit] = await sink.search(last.vector, { k: 1 });
      expect(hit!.payload.content).toBe('last');
    },
  },
  {
    name: 'deletes by id and ignores ids that do not exist',
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(3);
      await sink.upsert(written);
      await sink.delete([written[0]!.id, pointId('conformance-source', 'never-written')]);
      expect(await sink.count()).toBe(2);
      expect(idsOf(await sink.retrieve(idsOf(written)))).toEqual(idsOf(written.slice(1)));
      await sink.delete([]);
      expect(await sink.count()).toBe(2);
    },
  },
  {
    name: 'leaves missing ids out of retrieve',
    async run(h) {
      const { sink } = await h.fresh();
      const written = h.points(2);
      await sink.upsert(written);
      const missing = pointId('conformance-source', 'missing');
      const read = await sink.retrieve([missing, written[1]!.id], { withVectors: true });
      expect(read.map((point) => point.id)).toEqual([written[1]!.id]);
      expectVector(read[0]!.vector, written[1]!.vector);
      expect(await sink.retrieve([])).toEqual([]);
    },
  },
  {
    name: 'counts points',
    async run(h) {
      const { sink } = await h.fresh();
      expect(await sink.count()).toBe(0);
      await sink.upsert(h.points(7));
      expect(await sink.count()).toBe(7);
      await sink.upsert(h.points(3, 5));
      expect(await sink.count()).toBe(8);
    },
  },
];
