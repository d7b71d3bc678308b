import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../cli-harness.js';

/** The README's library example (the first ```ts block under "## The library"), as the user copies it. */
export function readmeLibraryExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README.md has no ```ts block under "## The library".');
  return match[1];
}

/** The same program for CommonJS: imports stay on top, the rest runs in an async function (no top-level await). */
export function asCommonJs(example: string): string {
  const lines = example.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import '));
  return [
    ...imports,
    'async function main(): Promise<void> {',
    ...body,
    '}',
    'main().catch((error) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}

/** A strict user project's tsconfig: the packages' own .d.ts are checked too, every installed @types is seen. */
export function strictTsconfig(files: string[]): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        outDir: 'out',
      },
      files,
    },
    null,
    2,
  )}\n`;
}
