import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { repoRoot } from './workspace-manifests.js';

/** Every name on core's main entry carries a TSDoc comment. */
it('every export of @drift-spark/core has a TSDoc comment', () => {
  const entry = join(repoRoot, 'packages/core/src/index.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const documented = (symbol: ts.Symbol): boolean =>
    ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '';
  const undocumented = checker
    .getExportsOfModule(moduleSymbol)
    .filter((symbol) => {
      // The comment on the export in index.ts, else the one at the declaration.
      if (documented(symbol)) return false;
      return !(symbol.flags & ts.SymbolFlags.Alias && documented(checker.getAliasedSymbol(symbol)));
    })
    .map((symbol) => symbol.name);
  expect(undocumented, 'add a /** ... */ comment at the declaration (or export) of each').toEqual(
    [],
  );
});
