import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  packageApis,
  reportPath,
  workspacePackages,
} from '../../../scripts/api-report/collect-exports.mjs';

/**
 * A new export is a decision, not an accident: the built exports of every entry of every
 * package must match api/<package>.api.json, which `pnpm api:report` writes.
 */
interface EntryApi {
  values: string[];
  types: string[];
}
interface PackageApi {
  package: string;
  entries: Record<string, EntryApi>;
}

const regenerate = 'run `pnpm build && pnpm api:report` and commit api/';
/** The main entry of core stays small enough to learn in one sitting. */
const coreMainEntryLimit = 50;

/** One line per difference: `export X added to @drift-spark/core/internal — run ...`. */
export function apiDifferences(built: PackageApi, recorded: PackageApi | undefined): string[] {
  const lines: string[] = [];
  const keys = new Set([...Object.keys(built.entries), ...Object.keys(recorded?.entries ?? {})]);
  for (const key of [...keys].sort()) {
    const entry = `${built.package}${key.slice(1)}`;
    const now = built.entries[key];
    const before = recorded?.entries[key];
    for (const kind of ['values', 'types'] as const) {
      const nowNames = new Set(now?.[kind] ?? []);
      const beforeNames = new Set(before?.[kind] ?? []);
      const label = kind === 'types' ? 'type export' : 'export';
      for (const name of nowNames) {
        if (!beforeNames.has(name))
          lines.push(`${label} ${name} added to ${entry} — ${regenerate}`);
      }
      for (const name of beforeNames) {
        if (!nowNames.has(name))
          lines.push(`${label} ${name} removed from ${entry} — ${regenerate}`);
      }
    }
  }
  return lines;
}

const packages = workspacePackages();
let built: PackageApi[] = [];

beforeAll(async () => {
  built = (await packageApis(packages)) as PackageApi[];
}, 300_000);

describe('API report', () => {
  it.each(packages.map((entry, index) => [entry.manifest.name as string, entry, index] as const))(
    '%s exports what api/ records',
    (_name, workspacePackage, index) => {
      const path = reportPath(workspacePackage.folder);
      const recorded = existsSync(path)
        ? (JSON.parse(readFileSync(path, 'utf8')) as PackageApi)
        : undefined;
      expect(apiDifferences(built[index]!, recorded).join('\n')).toBe('');
    },
  );

  it(`core's main entry exports at most ${coreMainEntryLimit} values`, () => {
    const core = built.find((entry) => entry.package === '@drift-spark/core');
    const values = core?.entries['.']?.values ?? [];
    expect(
      values.length,
      `@drift-spark/core exports ${values.length} values; move helpers to ./internal`,
    ).toBeLessThanOrEqual(coreMainEntryLimit);
  });

  it('repo-checks depends on every package, so turbo builds them before this test', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const missing = packages
      .map((entry) => entry.manifest.name as string)
      .filter((name) => !manifest.devDependencies?.[name]);
    expect(missing, 'add them to tooling/repo-checks devDependencies').toEqual([]);
  });

  it('names every added and removed export', () => {
    const before = { package: '@drift-spark/x', entries: { '.': { values: ['a'], types: ['T'] } } };
    const after = { package: '@drift-spark/x', entries: { '.': { values: ['b'], types: ['T'] } } };
    expect(apiDifferences(after, before)).toEqual([
      `export b added to @drift-spark/x — ${regenerate}`,
      `export a removed from @drift-spark/x — ${regenerate}`,
    ]);
  });
});
