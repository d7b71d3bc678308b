import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../errors/cli-error.js';
import { loadProject } from './load-project.js';
import { runOptionsOf } from './project-run-options.js';

const file = (chunk: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'drift-project-chunk-'));
  writeFileSync(
    join(dir, 'drift.yaml'),
    `indexes:
  docs:
    source:
      table: ./docs
      textColumn: body
    embedder:
      model: openai/text-embedding-3-small
    sink: pglite://./.drift/docs?table=docs
${chunk}`,
  );
  return join(dir, 'drift.yaml');
};

describe('chunk: in the project file', () => {
  it('is passed to embed/watch/apply as the parsed spec; absent, nothing is chunked', async () => {
    const chunked = await loadProject(file('    chunk: markdown:256\n'), {}, tmpdir());
    expect(runOptionsOf(chunked, 'docs').chunk).toEqual({ kind: 'markdown', size: 256 });
    const tokens = await loadProject(file('    chunk: "tokens:512,overlap:64"\n'), {}, tmpdir());
    expect(runOptionsOf(tokens, 'docs').chunk).toEqual({ kind: 'tokens', size: 512, overlap: 64 });
    const whole = await loadProject(file(''), {}, tmpdir());
    expect(runOptionsOf(whole, 'docs').chunk).toBeUndefined();
  });

  it('a bad spec is refused at load: the file, the line, the field and the forms accepted', async () => {
    const path = file('    chunk: words:5\n');
    const error = await loadProject(path, {}, join(path, '..')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.Usage);
    expect((error as CliError).message).toMatch(
      /^drift\.yaml:9: indexes\.docs\.chunk: Chunk spec "words:5" is not a chunk spec; use tokens:N.*markdown\[:N\].*sentences:N/,
    );
  });
});
