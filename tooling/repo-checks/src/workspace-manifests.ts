import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const scope = '@drift-spark/';

export interface WorkspacePackage {
  /** The folder under packages/, e.g. `sink-qdrant`. */
  folder: string;
  name: string;
  /** Workspace packages in `dependencies` (and `peerDependencies`): what it may load at run time. */
  runtime: string[];
  /** Workspace packages in `devDependencies`: what its tests may load besides. */
  development: string[];
}

function workspaceNames(dependencies: Record<string, string> | undefined): string[] {
  return Object.keys(dependencies ?? {}).filter((name) => name.startsWith(scope));
}

export function workspacePackages(): WorkspacePackage[] {
  const packages = join(repoRoot, 'packages');
  return readdirSync(packages)
    .sort()
    .map((folder) => {
      const manifest = JSON.parse(readFileSync(join(packages, folder, 'package.json'), 'utf8'));
      return {
        folder,
        name: manifest.name,
        runtime: [
          ...workspaceNames(manifest.dependencies),
          ...workspaceNames(manifest.peerDependencies),
        ],
        development: workspaceNames(manifest.devDependencies),
      };
    });
}

export interface WorkspaceImport {
  /** Path from the repository root. */
  file: string;
  /** The package imported, without a subpath: `@drift-spark/source-delta` for `.../store`. */
  name: string;
  /** A test file (`*.test.ts`, or under a `testing/` folder): devDependencies count too. */
  test: boolean;
}

function* sourceFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

function packageOf(specifier: string): string | undefined {
  if (!specifier.startsWith(scope)) return undefined;
  return specifier.split('/').slice(0, 2).join('/');
}

/** Every import of a workspace package (static, re-export or `import('literal')`) in a package's src/. */
export function workspaceImports(folder: string): WorkspaceImport[] {
  const found: WorkspaceImport[] = [];
  const root = join(repoRoot, 'packages', folder);
  for (const path of sourceFiles(join(root, 'src'))) {
    const file = path.slice(repoRoot.length + 1);
    const test = /\.test(-d)?\.ts$/.test(path) || /\/(testing|test)\//.test(file);
    const source = ts.createSourceFile(
      path,
      readFileSync(path, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node: ts.Node): void => {
      let specifier: ts.Expression | undefined;
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
        specifier = node.moduleSpecifier;
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword
      ) {
        specifier = node.arguments[0];
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        specifier = node.argument.literal;
      }
      const name =
        specifier && ts.isStringLiteral(specifier) ? packageOf(specifier.text) : undefined;
      if (name) found.push({ file, name, test });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
