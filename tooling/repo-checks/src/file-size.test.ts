import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './workspace-manifests.js';

/** One idea per file: a source file over this many lines holds more than one. */
const maxLines = 300;
const source = /\.(ts|mts|cts|js|mjs|cjs|py|sh)$/;
/** Generated code (protobuf bindings, the Spark Connect stubs) is exempt. */
const generated = [/\/proto\//, /\/gen\//, /\.generated\./, /_pb\.(js|ts|d\.ts)$/];

function trackedSources(): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((file) => source.test(file) && !file.endsWith('.d.ts'));
  return files.filter((file) => !generated.some((pattern) => pattern.test(`/${file}`)));
}

describe('file size', () => {
  it(`no source file outside generated code is over ${maxLines} lines`, () => {
    const long = trackedSources()
      .map((file) => {
        let text: string;
        try {
          text = readFileSync(join(repoRoot, file), 'utf8');
        } catch {
          return { file, lines: 0 }; // deleted in the working tree, not yet in git
        }
        return { file, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
      })
      .filter(({ lines }) => lines > maxLines)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long, 'split these by idea (one idea per file, under ~250 lines)').toEqual([]);
  });
});
