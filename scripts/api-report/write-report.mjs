#!/usr/bin/env node
// `pnpm api:report`: writes api/<package>.api.json, the sorted export names of every entry
// of every package, from the built packages (run `pnpm build` first). Commit the result:
// tooling/repo-checks fails when the built exports and these files differ.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  apiFolder,
  packageApis,
  repoRoot,
  reportPath,
  workspacePackages,
} from './collect-exports.mjs';

mkdirSync(apiFolder, { recursive: true });
const written = new Set();
const packages = workspacePackages();
const apis = await packageApis(packages);
for (const [index, workspacePackage] of packages.entries()) {
  const path = reportPath(workspacePackage.folder);
  writeFileSync(path, `${JSON.stringify(apis[index], null, 2)}\n`);
  written.add(path);
  console.log(`wrote ${relative(repoRoot, path)}`);
}
// A report of a package that no longer exists would be checked against nothing.
for (const name of readdirSync(apiFolder)) {
  const path = join(apiFolder, name);
  if (name.endsWith('.api.json') && !written.has(path)) rmSync(path);
}
// Short lists on one line, as the repository's formatter wants them (`pnpm lint`).
const biome = join(repoRoot, 'node_modules/.bin/biome');
if (existsSync(biome)) spawnSync(biome, ['format', '--write', apiFolder], { stdio: 'inherit' });
