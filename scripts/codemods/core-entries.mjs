// Which names each entry of @drift-spark/core exports, read from its sources with the
// TypeScript compiler (values and types alike), so the import codemod always follows the
// current src/index.ts, src/internal.ts and src/testkit/index.ts.
import { join } from 'node:path';
import ts from 'typescript';

export const mainSpecifier = '@drift-spark/core';
export const internalSpecifier = '@drift-spark/core/internal';
export const testkitSpecifier = '@drift-spark/core/testkit';

/** `{ main, internal, testkit }`: the set of exported names of each entry. */
export function coreEntryNames(repoRoot) {
  const source = join(repoRoot, 'packages/core/src');
  const files = {
    main: join(source, 'index.ts'),
    internal: join(source, 'internal.ts'),
    testkit: join(source, 'testkit/index.ts'),
  };
  const program = ts.createProgram(Object.values(files), {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const names = {};
  for (const [entry, file] of Object.entries(files)) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile) throw new Error(`core-entries: cannot read ${file}`);
    const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
    names[entry] = new Set(checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name));
  }
  return names;
}
