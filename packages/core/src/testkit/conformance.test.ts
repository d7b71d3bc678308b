import { shadowMode } from '../middleware/shadow-mode.js';
import { createShadowEmbedder } from '../shadow/shadow-embedder.js';
import { createArraySource } from './array-source.js';
import { memorySinks } from './broken-sinks.js';
import { createRecordingEmbedder } from './recording-embedder.js';
import { testEmbedder } from './test-embedder.js';
import { testSink } from './test-sink.js';
import { testSource } from './test-source.js';

// The in-memory plugins must pass the suites every plugin package runs.

testSink({ title: 'memory sink conformance', ...memorySinks() });

testEmbedder({
  title: 'shadow embedder conformance',
  create: () => createShadowEmbedder({ model: 'openai/text-embedding-3-small' }),
  dimensions: 1536,
  deterministic: true,
});

testEmbedder({
  title: 'shadow mode conformance',
  create: () => shadowMode(createRecordingEmbedder({ id: 'acme/embed', dimensions: 32 })),
  dimensions: 32,
  deterministic: true,
});

testEmbedder({
  title: 'recording embedder conformance',
  create: () => createRecordingEmbedder({ dimensions: 16 }),
  dimensions: 16,
  deterministic: true,
});

const versions = [
  [
    { id: 1, body: 'one', extra: 'x' },
    { id: 2, body: 'two', extra: 'x' },
    { id: 3, body: 'three', extra: 'x' },
  ],
  [
    { id: 1, body: 'one', extra: 'x' },
    { id: 2, body: 'two, edited', extra: 'x' },
    { id: 4, body: 'four', extra: 'x' },
  ],
  [
    { id: 1, body: 'one', extra: 'y' },
    { id: 4, body: 'four', extra: 'x' },
    { id: 5, body: null, extra: 'x' },
  ],
];
testSource({
  title: 'array source conformance',
  create: () =>
    createArraySource({ id: 'array://docs', columns: ['id', 'body', 'extra'], versions }),
  columns: ['id', 'body'],
  expected: {
    id: 'array://docs',
    columns: ['extra'],
    latestVersion: 2,
    changeFeed: true,
    rows: [
      { id: 1, body: 'one' },
      { id: 4, body: 'four' },
      { id: 5, body: null },
    ],
    versions: [{ version: 0, rows: versions[0]!.map(({ id, body }) => ({ id, body })) }],
    changes: [
      {
        fromVersion: 1,
        changes: [
          { type: 'update_preimage', key: '2', commitVersion: 1 },
          { type: 'update_postimage', key: '2', commitVersion: 1 },
          { type: 'delete', key: '3', commitVersion: 1 },
          { type: 'insert', key: '4', commitVersion: 1 },
          // Only `extra` changed for row 1: still an update in the feed.
          { type: 'update_preimage', key: '1', commitVersion: 2 },
          { type: 'update_postimage', key: '1', commitVersion: 2 },
          { type: 'delete', key: '2', commitVersion: 2 },
          { type: 'insert', key: '5', commitVersion: 2 },
        ],
      },
      {
        fromVersion: 0,
        toVersion: 0,
        changes: [1, 2, 3].map((id) => ({
          type: 'insert' as const,
          key: String(id),
          commitVersion: 0,
        })),
      },
    ],
  },
});
