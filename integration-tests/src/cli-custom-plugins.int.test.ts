import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowArgs } from './cli-args.js';
import {
  assertBuilt,
  childEnv,
  DeltaWriter,
  embeddable,
  parseJson,
  pythonPath,
  runDrift,
  sha256,
  type TicketRow,
} from './cli-harness.js';

/**
 * A user's own sink and embedder, each a package in its own folder with a package.json
 * (ESM-only, as a modern package is), installed with npm into a project folder and named
 * on the command line as `package+uri` / `package+model`. The built CLI, installed
 * elsewhere, must resolve them from the project and hand the sink every point.
 */
const sinkPackage = `
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A sink that appends every write to a JSON-lines file: jsonl:///absolute/file.jsonl
export function createSinkFromUri(uri) {
  const file = fileURLToPath(uri.replace(/^jsonl:/, 'file:'));
  const points = new Map();
  const stored = (point, withVectors) => ({
    id: point.id,
    payload: point.payload,
    ...(withVectors ? { vector: Float32Array.from(point.vector) } : {}),
  });
  const write = (record) => appendFileSync(file, JSON.stringify(record) + '\\n');
  return {
    specificationVersion: 'v1',
    id: uri,
    async open() {
      if (!existsSync(file)) return;
      for (const line of readFileSync(file, 'utf8').split('\\n').filter(Boolean)) {
        const record = JSON.parse(line);
        if (record.deleted) points.delete(record.id);
        else points.set(record.id, record);
      }
    },
    async upsert(batch) {
      for (const point of batch) {
        const record = { id: point.id, vector: Array.from(point.vector), payload: point.payload };
        points.set(point.id, record);
        write(record);
      }
    },
    async delete(ids) {
      for (const id of ids) {
        points.delete(id);
        write({ id, deleted: true });
      }
    },
    async retrieve(ids, options = {}) {
      return ids.filter((id) => points.has(id)).map((id) => stored(points.get(id), options.withVectors));
    },
    async *scan(options = {}) {
      const all = [...points.values()];
      for (let start = 0; start < all.length; start += 100)
        yield all.slice(start, start + 100).map((point) => stored(point, options.withVectors));
    },
    async search(vector, { k }) {
      const score = (point) => point.vector.reduce((sum, value, index) => sum + value * vector[index], 0);
      return [...points.values()]
        .map((point) => ({ id: point.id, score: score(point), payload: point.payload }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
    },
    async count() {
      return points.size;
    },
    async close() {},
  };
}
`;

const embedderPackage = `
// A deterministic embedder: the vector of a text is its letter counts, normalised.
export function createEmbedder({ model, dimensions = 26 }) {
  return {
    specificationVersion: 'v1',
    id: 'letters/' + model,
    dimensions,
    fingerprint: 'letters/' + model + '@' + dimensions,
    limits: { maxInputsPerCall: 64, maxTokensPerInput: 8000, maxTokensPerCall: 100000, maxConcurrentCalls: 2 },
    price: { usdPerMillionTokens: 1, source: 'letters' },
    countTokens: (text) => text.split(/\\s+/).filter(Boolean).length,
    async embed(texts) {
      const vectors = texts.map((text) => {
        const vector = new Float32Array(dimensions);
        for (const char of text.toLowerCase()) {
          const index = char.charCodeAt(0) - 97;
          if (index >= 0 && index < dimensions) vector[index] += 1;
        }
        const norm = Math.hypot(...vector) || 1;
        return vector.map((value) => value / norm);
      });
      const tokens = texts.reduce((sum, text) => sum + text.split(/\\s+/).filter(Boolean).length, 0);
      return { vectors, tokens };
    },
  };
}
`;

function writePackage(folder: string, name: string, source: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      exports: { '.': { import: './index.js' } },
    }),
  );
  writeFileSync(join(folder, 'index.js'), source);
}

describe('custom plugins from the CLI, without a fork: package+uri and package+model', () => {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let table: string;
  let rows: TicketRow[];

  beforeAll(async () => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'drift-cli-plugins-'));
    env = childEnv(work, { DRIFT_LEDGER: join(work, 'ledger.db') });
    writePackage(join(work, 'plugins', 'jsonl-sink'), 'jsonl-sink', sinkPackage);
    writePackage(join(work, 'plugins', 'letters'), '@acme/letters', embedderPackage);
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'project', private: true }),
    );
    execFileSync(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '../plugins/jsonl-sink',
        '../plugins/letters',
      ],
      { cwd: project, stdio: 'pipe', env: { ...process.env, HOME: work } },
    );
    table = join(work, 'tickets');
    rows = Array.from({ length: 40 }, (_, index) => ({
      id: index + 1,
      body:
        index === 7
          ? null
          : `ticket ${index + 1}: the ${['printer', 'vpn', 'laptop'][index % 3]} is broken`,
      category: null,
      n: index,
    }));
    const writer = new DeltaWriter(pythonPath());
    try {
      await writer.request({ op: 'create', path: table, rows });
    } finally {
      writer.close();
    }
  });
  afterAll(() => {
    if (work && !process.env.KEEP) rmSync(work, { recursive: true, force: true });
  });

  it("embeds with the project's own embedder into its own sink, which receives every point", async () => {
    const points = join(work, 'points.jsonl');
    const args = [
      'embed',
      '--table',
      table,
      '--text-col',
      'body',
      '--model',
      '@acme/letters+alphabet-v1',
      '--sink',
      `jsonl-sink+jsonl://${points}`,
      '--json',
    ];
    const run = await runDrift(args, { cwd: project, env });
    expect(run.code, run.stderr).toBe(0);
    expect(parseJson(run)).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 40,
      rowsSkipped: 1,
      model: 'letters/alphabet-v1',
    });

    // The sink holds one point per row with text, carrying that row's text and model.
    const received = new Map<string, { payload: Record<string, unknown>; vector: number[] }>();
    for (const line of readFileSync(points, 'utf8').split('\n').filter(Boolean)) {
      const record = JSON.parse(line);
      received.set(record.payload.key, record);
    }
    const expected = rows.filter((row) => embeddable(row.body) !== null);
    expect([...received.keys()].sort()).toEqual(expected.map((row) => String(row.id)).sort());
    for (const row of expected) {
      const point = received.get(String(row.id))!;
      expect(point.payload).toMatchObject({
        content: row.body,
        content_hash: sha256(row.body!),
        model: 'letters/alphabet-v1',
      });
      expect(point.vector).toHaveLength(26);
    }

    // The same names work in the other commands: search reads the custom sink back.
    const search = await runDrift(
      [
        'search',
        '--sink',
        `jsonl-sink+jsonl://${points}`,
        '--model',
        '@acme/letters+alphabet-v1',
        '--json',
        'vpn',
      ],
      { cwd: project, env },
    );
    expect(search.code, search.stderr).toBe(0);
    expect(search.stdout).toMatch(/vpn/);
  });

  it('says in one line what to do when the package is missing or is not a Drift plugin', async () => {
    const common = shadowArgs('embed', table, '--json');
    const missing = await runDrift([...common, '--sink', 'not-installed-sink+x://y'], {
      cwd: project,
      env,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(
      /^drift: The sink not-installed-sink\+… needs not-installed-sink, which is not installed: install it with "npm install not-installed-sink" in /,
    );

    // The embedder package has no sink factory.
    const wrongKind = await runDrift([...common, '--sink', '@acme/letters+jsonl:///tmp/x.jsonl'], {
      cwd: project,
      env,
    });
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrongKind.stderr).toMatch(
      /^drift: @acme\/letters has no createSinkFromUri\(\): a Drift sink package exports/,
    );

    // From another folder, the project's packages are not installed.
    const elsewhere = await runDrift(
      [...common, '--sink', `jsonl-sink+jsonl://${join(work, 'other.jsonl')}`],
      { cwd: work, env },
    );
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/needs jsonl-sink, which is not installed/);
  });
});
