import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, repoRoot } from './cli-harness.js';
import {
  installedPackageNames,
  nodeBinary,
  npmEnv,
  npmInstall,
  type Packed,
  packAll,
  runProgram,
  tarballFile,
  tarballFiles,
} from './packaging/pack-install.js';
import { asCommonJs, readmeLibraryExample, strictTsconfig } from './packaging/readme-example.js';

/**
 * What a user gets from the registry: every package packed as `pnpm publish` packs it,
 * installed with plain npm into empty folders outside the workspace, run on the lowest
 * Node the packages' `engines` allow (>=20.19: the CJS build of source-delta requires
 * the ESM-only hyparquet, which Node supports from 20.19).
 */
const lowestNodeVersion = '20.19.0';
/** The floor of the packages that do not read Parquet: core's crypto.hash needs 20.12. */
const coreNodeVersion = '20.12.0';
const nativeUserPackages = [
  '@drift-spark/core',
  '@drift-spark/ledger',
  '@drift-spark/source-delta',
  '@drift-spark/sink-pgvector',
  '@drift-spark/provider-openai',
];
const heavyPackage = /^(@grpc\/|@bufbuild\/|@aws-sdk\/|@qdrant\/|apache-arrow$|protobufjs$)/;

let work: string;
let packed: Packed;
let lowestNode: string;
let coreNode: string;

beforeAll(async () => {
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'drift-pack-'));
  [packed, lowestNode, coreNode] = await Promise.all([
    packAll(join(work, 'tarballs')),
    nodeBinary(lowestNodeVersion),
    nodeBinary(coreNodeVersion),
  ]);
  // Every package but the Spark engine and its client for the CLI: it must do without them.
  const sparkPackages = ['@drift-spark/source-delta-spark', '@drift-spark/spark-connect'];
  // provider-local (ONNX Runtime, ~400 MB) is optional too; the `everything` install has it.
  const optional = [...sparkPackages, '@drift-spark/provider-local'];
  const withoutSpark = [...packed.tarballs.keys()].filter((name) => !optional.includes(name));
  await Promise.all([
    npmInstall(join(work, 'library'), [...nativeUserPackages.map(tarball), '@types/node@20.19.25']),
    npmInstall(join(work, 'cli'), withoutSpark.map(tarball)),
    npmInstall(join(work, 'everything'), [...packed.tarballs.values()]),
  ]);
});

/** The installed `drift` (of the `cli` install unless told), on the lowest Node it supports, in a folder of its own (created empty). */
function drift(folder: string, args: string[], install = 'cli'): ReturnType<typeof runProgram> {
  const cwd = join(work, folder);
  mkdirSync(cwd, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...npmEnv(), HOME: cwd, NO_COLOR: '1' };
  for (const name of ['OPENAI_API_KEY', 'SPARK_REMOTE', 'DRIFT_LEDGER']) delete env[name];
  const bin = join(work, install, 'node_modules/@drift-spark/cli/dist/bin.js');
  return runProgram(lowestNode, [bin, ...args], { cwd, env });
}

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function tarball(name: string): string {
  const path = packed.tarballs.get(name);
  if (!path) throw new Error(`${name} was not packed`);
  return path;
}

describe('the packed tarballs', () => {
  it('carry the LICENSE, a README without relative links, real versions and the engines floor', async () => {
    const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    expect(packed.tarballs.size).toBeGreaterThanOrEqual(10);
    for (const [name, path] of packed.tarballs) {
      const files = await tarballFiles(path);
      expect(files, name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      expect(await tarballFile(path, 'LICENSE'), name).toBe(license);
      expect(await tarballFile(path, 'README.md'), name).not.toMatch(/\]\(\.\.?\//);
      const manifest = JSON.parse(await tarballFile(path, 'package.json'));
      const ranges = Object.values({ ...manifest.dependencies, ...manifest.peerDependencies });
      expect(
        ranges.filter((range) => String(range).startsWith('workspace:')),
        name,
      ).toEqual([]);
      expect(manifest.engines.node, name).toMatch(/^>=20\.(1[2-9]|[2-9]\d)$/);
      for (const field of ['repository', 'homepage', 'bugs', 'keywords'])
        expect(manifest[field], `${name} ${field}`).toBeTruthy();
    }
    expect(await tarballFiles(tarball('@drift-spark/cli'))).toContain(
      'dist/demo/tickets/_delta_log/00000000000000000004.json',
    );
  });
});

describe.concurrent('a native Delta user: core, ledger, source-delta, sink-pgvector, provider-openai', () => {
  it('installs nothing from gRPC, Arrow, protobuf, AWS or Qdrant', async () => {
    const names = installedPackageNames(join(work, 'library'));
    expect([...names].filter((name) => nativeUserPackages.includes(name)).sort()).toEqual(
      [...nativeUserPackages].sort(),
    );
    expect([...names].filter((name) => heavyPackage.test(name))).toEqual([]);
    expect(names.has('@drift-spark/spark-connect')).toBe(false);
  });

  it("type-checks the README's library example strictly (skipLibCheck off) as ESM and CJS, and runs both", async () => {
    const dir = join(work, 'library');
    const example = readmeLibraryExample();
    writeFileSync(join(dir, 'library.mts'), example);
    writeFileSync(join(dir, 'library.cts'), asCommonJs(example));
    writeFileSync(join(dir, 'tsconfig.json'), strictTsconfig(['library.mts', 'library.cts']));
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const check = await runProgram(process.execPath, [tsc, '-p', dir], { cwd: dir, env: npmEnv() });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);

    cpSync(join(repoRoot, 'examples/tickets'), join(dir, 'tickets'), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...npmEnv(), HOME: dir };
    delete env.OPENAI_API_KEY;
    // CommonJS on the lowest Node: require() of the ESM-only Parquet reader is what needs 20.19.
    const cjs = await runProgram(lowestNode, ['out/library.cjs'], { cwd: dir, env });
    expect(cjs.stderr).toBe('');
    expect(cjs.code).toBe(0);
    // The latest version has 17 tickets with a body; the feed after it is empty.
    const [embedLine, syncLine] = cjs.stdout.trim().split('\n');
    expect(embedLine).toMatch(/^succeeded ([1-9]|1[0-7]) 0 0$/);
    expect(syncLine).toBe('0 0 0');
    // ESM on this Node, on the same ledger and sink: every row is already embedded.
    const esm = await runProgram(process.execPath, ['out/library.mjs'], { cwd: dir, env });
    expect(esm.stderr).toBe('');
    expect(esm.stdout.trim().split('\n')).toEqual(['succeeded 0 17 0', '0 0 0']);
  });

  it(`loads core, ledger, sink-pgvector and provider-openai on Node ${coreNodeVersion}, their engines floor`, async () => {
    const dir = join(work, 'library');
    const script = [
      "const { contentHash, pointId } = require('@drift-spark/core');",
      "const { createSqliteLedger } = require('@drift-spark/ledger');",
      "const { createPgliteSink } = require('@drift-spark/sink-pgvector');",
      "const { createOpenAIEmbedder } = require('@drift-spark/provider-openai');",
      "for (const f of [createSqliteLedger, createPgliteSink, createOpenAIEmbedder]) if (typeof f !== 'function') throw new Error('missing export');",
      "console.log(contentHash('a'), typeof pointId);",
    ].join('\n');
    const run = await runProgram(coreNode, ['-e', script], { cwd: dir, env: npmEnv() });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(
      'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb function',
    );
    // Below 20.19 the CommonJS build of source-delta cannot require the ESM-only Parquet reader: hence its floor.
    const delta = await runProgram(coreNode, ['-e', "require('@drift-spark/source-delta')"], {
      cwd: dir,
      env: npmEnv(),
    });
    expect(delta.stderr).toContain('ERR_REQUIRE_ESM');
    // The other packages that name 20.12, from the install of every package.
    const others = [
      '@drift-spark/sink-qdrant',
      '@drift-spark/provider-bedrock',
      '@drift-spark/spark-connect',
      '@drift-spark/source-delta-spark',
    ];
    const loaded = await runProgram(
      coreNode,
      ['-e', `for (const name of ${JSON.stringify(others)}) require(name); console.log('ok')`],
      { cwd: join(work, 'everything'), env: npmEnv() },
    );
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout.trim()).toBe('ok');
  });
});

describe.concurrent('drift from an install', () => {
  it('installs without the Spark engine and its gRPC client', () => {
    expect(installedPackageNames(join(work, 'cli')).has('@drift-spark/spark-connect')).toBe(false);
  });

  it('prints --help, and its first example runs in a folder that holds nothing', async () => {
    const help = await drift('try-it', ['--help']);
    expect(help.code).toBe(0);
    const first = /Examples:\n {2}\$ (.+)/.exec(help.stdout)?.[1];
    expect(first).toBeDefined();
    const args = first!.replace(/#.*$/, '').trim().split(/\s+/);
    expect(args[0]).toBe('drift');
    const run = await drift('try-it', args.slice(1));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(work, 'try-it/tickets/_delta_log/00000000000000000004.json'))).toBe(
      true,
    );
  });

  it('walks the quickstart on the shipped table: demo, embed, re-run, search, watch, status, cost, provenance', async () => {
    const table = ['--table', './tickets', '--text-col', 'body', '--shadow-mode', '--json'];
    const sink = 'lancedb://./.drift/lancedb?table=tickets'; // the default sink
    const json = async (args: string[]) => {
      const run = await drift('walk', args);
      expect(run.code, `drift ${args.join(' ')}: ${run.stderr}`).toBe(0);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    expect(await json(['demo', '--json'])).toMatchObject({ latestVersion: 4 });
    expect(await json(['embed', ...table, '--version', '1'])).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 20,
      rowsSkipped: 1,
      rowsEmbedded: 16,
      rowsReused: 3,
    });
    expect(await json(['embed', ...table, '--version', '1'])).toMatchObject({
      rowsDeduped: 19,
      rowsEmbedded: 0,
    });
    const search = await json([
      'search',
      '--sink',
      sink,
      '--shadow-mode',
      '--k',
      '3',
      '--json',
      'refund for a duplicate charge',
    ]);
    expect(search.hits).toHaveLength(3);
    expect(await json(['watch', ...table])).toMatchObject({ status: 'succeeded', toVersion: 4 });
    expect(await json(['watch', ...table])).toMatchObject({ rowsProcessed: 0 });
    expect(await json(['status', '--sink', sink, '--json'])).toMatchObject({
      sinkPoints: 17,
      ledgerPoints: 17,
      inStep: true,
    });
    expect(await json(['cost', '--by', 'run', '--json'])).toBeTruthy();
    expect(await json(['provenance', '--key', '2', '--table', './tickets', '--json'])).toBeTruthy();
  });

  it('loads the Spark engine when @drift-spark/source-delta-spark is installed beside it', async () => {
    const run = await drift(
      'spark-installed',
      [
        'embed',
        '--table',
        'main.support.tickets',
        '--text-col',
        'body',
        '--shadow-mode',
        '--spark',
        'sc://127.0.0.1:1',
      ],
      'everything',
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('Cannot reach the Spark Connect server at 127.0.0.1:1');
  });

  it('names the package to install for the Spark engine, in one line', async () => {
    // A catalog name with --spark: the engine is loaded before anything else is read.
    const run = await drift('spark', [
      'embed',
      '--table',
      'main.support.tickets',
      '--text-col',
      'body',
      '--shadow-mode',
      '--spark',
      'sc://localhost:1',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('npm install @drift-spark/source-delta-spark');
  });
});
