#!/usr/bin/env node
// Points every import of @drift-spark/core at the entry that exports the name: the main
// entry when it does, else `/testkit` for test doubles imported by test code, else
// `/internal`. Idempotent: a file whose imports already match is left untouched.
//
//   node scripts/codemods/core-internal-imports.mjs            # the whole repository
//   node scripts/codemods/core-internal-imports.mjs packages/cli/src some/file.ts
//
// Changed files are then formatted by biome (import order), when it is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import {
  coreEntryNames,
  internalSpecifier,
  mainSpecifier,
  testkitSpecifier,
} from './core-entries.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const coreSpecifiers = new Set([mainSpecifier, internalSpecifier, testkitSpecifier]);
const skippedFolders = new Set(['node_modules', 'dist', '.git', '.turbo', '.ci-cache', 'gen']);
const sourceFile = /\.(ts|mts|cts|tsx)$/;
const names = coreEntryNames(repoRoot);

/** Test code: may import the testkit, which loads vitest. */
function isTestFile(path) {
  return /\.test(-d)?\.ts$/.test(path) || /(^|\/)(testing|test|__tests__)\//.test(path);
}

/** The entry a name should come from, or `undefined` for a name core does not export. */
function targetOf(name, testFile) {
  if (names.main.has(name)) return mainSpecifier;
  if (testFile && names.testkit.has(name)) return testkitSpecifier;
  if (names.internal.has(name)) return internalSpecifier;
  if (names.testkit.has(name)) return testkitSpecifier;
  return undefined;
}

/** For `import * as core`: main when every use is `core.Name` of a main name, else internal. */
function namespaceTarget(file, localName) {
  let target = mainSpecifier;
  const visit = (node) => {
    if (ts.isIdentifier(node) && node.text === localName && !ts.isNamespaceImport(node.parent)) {
      const parent = node.parent;
      const member =
        (ts.isPropertyAccessExpression(parent) && parent.expression === node && parent.name) ||
        (ts.isQualifiedName(parent) && parent.left === node && parent.right);
      if (!member || !names.main.has(member.text)) target = internalSpecifier;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return target;
}

function namedElements(statement) {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause || clause.name || !clause.namedBindings) return undefined;
    return ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
  }
  const clause = statement.exportClause;
  return clause && ts.isNamedExports(clause) ? clause.elements : undefined;
}

function isTypeOnly(statement) {
  return ts.isImportDeclaration(statement)
    ? Boolean(statement.importClause?.isTypeOnly)
    : statement.isTypeOnly;
}

/** The new text of one declaration, or `undefined` when it stays as it is. */
function rewriteDeclaration(file, statement, testFile, path) {
  const current = statement.moduleSpecifier.text;
  const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
  if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) {
    const target = namespaceTarget(file, clause.namedBindings.name.text);
    if (target === current) return undefined;
    return statement.getText(file).replace(/(['"])[^'"]+\1/, `'${target}'`);
  }
  const elements = namedElements(statement);
  if (!elements) return undefined;
  const groups = new Map();
  for (const element of elements) {
    const name = (element.propertyName ?? element.name).text;
    let target = targetOf(name, testFile);
    if (!target) {
      console.warn(`${path}: @drift-spark/core exports no ${name}; left as it is`);
      target = current;
    }
    groups.set(target, [...(groups.get(target) ?? []), element]);
  }
  if (groups.size === 1 && groups.has(current)) return undefined;
  const keyword = ts.isImportDeclaration(statement) ? 'import' : 'export';
  return [mainSpecifier, internalSpecifier, testkitSpecifier]
    .filter((target) => groups.has(target))
    .map((target) => {
      const group = groups.get(target);
      // `import type { A }` rather than `import { type A }` when every name is a type.
      const typeOnly = isTypeOnly(statement) || group.every((element) => element.isTypeOnly);
      const texts = group.map((element) =>
        typeOnly && element.isTypeOnly
          ? element.getText(file).replace(/^type\s+/, '')
          : element.getText(file),
      );
      return `${keyword}${typeOnly ? ' type' : ''} { ${texts.join(', ')} } from '${target}';`;
    })
    .join('\n');
}

/** Rewrites one file in place; returns whether it changed. */
function rewriteFile(path) {
  const text = readFileSync(path, 'utf8');
  if (!text.includes(mainSpecifier)) return false;
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const testFile = isTestFile(relative(repoRoot, path));
  const edits = [];
  for (const statement of file.statements) {
    const isDeclaration = ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement);
    if (!isDeclaration || !statement.moduleSpecifier) continue;
    if (!coreSpecifiers.has(statement.moduleSpecifier.text)) continue;
    const replacement = rewriteDeclaration(file, statement, testFile, relative(repoRoot, path));
    if (replacement !== undefined) {
      edits.push({ start: statement.getStart(file), end: statement.getEnd(), replacement });
    }
  }
  if (edits.length === 0) return false;
  let result = text;
  for (const edit of edits.reverse()) {
    result = result.slice(0, edit.start) + edit.replacement + result.slice(edit.end);
  }
  writeFileSync(path, result);
  return true;
}

function* sourceFiles(path) {
  const stat = statSync(path);
  if (stat.isFile()) {
    if (sourceFile.test(path) && !path.endsWith('.d.ts')) yield path;
    return;
  }
  for (const entry of readdirSync(path)) {
    if (skippedFolders.has(entry)) continue;
    yield* sourceFiles(join(path, entry));
  }
}

const roots =
  process.argv.length > 2 ? process.argv.slice(2).map((arg) => resolve(arg)) : [repoRoot];
const changed = [];
for (const root of roots) {
  for (const path of sourceFiles(root)) if (rewriteFile(path)) changed.push(path);
}
for (const path of changed) console.log(`rewrote ${relative(repoRoot, path)}`);
const biome = join(repoRoot, 'node_modules/.bin/biome');
// Biome formats only files of this repository (it refuses others).
const formatted = changed.filter((path) => !relative(repoRoot, path).startsWith('..'));
if (formatted.length > 0 && existsSync(biome)) {
  // Import order and merged lines; the linter's other fixes are not this script's business.
  spawnSync(biome, ['check', '--write', '--linter-enabled=false', ...formatted], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}
console.log(`core-internal-imports: ${changed.length} file(s) rewritten`);
