import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './workspace-manifests.js';

/**
 * The built entries of core share one copy of its code: an error thrown by a testkit double
 * is an `instanceof` the main entry's class, and `./internal` hands out the same objects.
 * (Loaded by package name, so through the `exports` map of the built package.)
 */
describe('built @drift-spark/core', () => {
  it('the testkit and internal entries use the main entry’s DriftError', async () => {
    const main = await import('@drift-spark/core');
    const internal = await import('@drift-spark/core/internal');
    const testkit = await import('@drift-spark/core/testkit');
    expect(internal.DriftError).toBe(main.DriftError);
    expect(internal.pointId).toBe(main.pointId);

    const sink = testkit.createFailingSink({ failAfterWrites: 0 });
    await sink.open({ dimensions: 2, distance: 'cosine', model: 'test/model' });
    const thrown = await sink.delete(['a']).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(main.SinkError);
    expect(thrown).toBeInstanceOf(main.DriftError);
  });

  it('the CommonJS main and internal entries share one DriftError too', () => {
    const require = createRequire(import.meta.url);
    const main = require('@drift-spark/core');
    const internal = require('@drift-spark/core/internal');
    expect(internal.DriftError).toBe(main.DriftError);
  });

  it('exactly one built file per format defines DriftError', () => {
    const dist = join(repoRoot, 'packages/core/dist');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) =>
      /\.(js|cjs)$/.test(file),
    );
    const defining = files.filter((file) =>
      /\bclass _?DriftError extends\b/.test(readFileSync(join(dist, file), 'utf8')),
    );
    expect(defining.filter((file) => file.endsWith('.js'))).toHaveLength(1);
    expect(defining.filter((file) => file.endsWith('.cjs'))).toHaveLength(1);
  });
});
