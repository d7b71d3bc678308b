import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUri } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { CliError, ExitCode } from '../errors/cli-error.js';
import { describeError } from '../errors/describe-error.js';
import { parseModel } from './resolve-embedder.js';
import { absolutePgliteUri, defaultSinkUri, sanitizeName, sinkScheme } from './resolve-sink.js';
import { parseTable } from './resolve-table.js';

describe('URIs and names', () => {
  it('names the default sink after the table, as a safe identifier', () => {
    const empty = mkdtempSync(join(tmpdir(), 'drift-default-'));
    expect(defaultSinkUri('tickets', empty)).toBe('lancedb://./.drift/lancedb?table=tickets');
    expect(sanitizeName('Support Tickets-2026')).toBe('support_tickets_2026');
    expect(sanitizeName('2026')).toBe('t_2026');
    expect(sanitizeName('***')).toBe('drift');
  });

  it('keeps the PGlite folder an earlier default made for the table, so an upgrade does not embed twice', () => {
    const project = mkdtempSync(join(tmpdir(), 'drift-default-'));
    mkdirSync(join(project, '.drift', 'tickets'), { recursive: true });
    writeFileSync(join(project, '.drift', 'tickets', 'PG_VERSION'), '17\n');
    expect(defaultSinkUri('Tickets', project)).toBe('pglite://./.drift/tickets?table=tickets');
    expect(defaultSinkUri('orders', project)).toBe('lancedb://./.drift/lancedb?table=orders');
  });

  it('makes PGlite folders absolute so a sink id names one database wherever drift runs', () => {
    expect(absolutePgliteUri('pglite://./.drift/t?table=t', '/home/me/project')).toBe(
      'pglite:///home/me/project/.drift/t?table=t',
    );
    expect(absolutePgliteUri('pglite:///data/t?table=t', '/elsewhere')).toBe(
      'pglite:///data/t?table=t',
    );
    expect(absolutePgliteUri('pglite://memory?table=t', '/elsewhere')).toBe(
      'pglite://memory?table=t',
    );
  });

  it('makes LanceDB folders absolute too, and leaves an object-store path as it is', () => {
    expect(absolutePgliteUri('lancedb://./.drift/lance?table=t', '/home/me/project')).toBe(
      'lancedb:///home/me/project/.drift/lance?table=t',
    );
    expect(absolutePgliteUri('lancedb://s3://bucket/prefix?table=t', '/elsewhere')).toBe(
      'lancedb://s3://bucket/prefix?table=t',
    );
  });

  it('reads the scheme of a sink URI and refuses what is not one', () => {
    expect(sinkScheme('Qdrant://localhost:6333/docs')).toBe('qdrant');
    expect(() => sinkScheme('localhost:6333/docs')).toThrow(/not a sink URI/);
  });

  it('never shows a password', () => {
    expect(redactUri('postgres://me:s3cret@db:5432/app?table=t')).toBe(
      'postgres://me:***@db:5432/app?table=t',
    );
  });

  it('tells a path from a catalog name', () => {
    expect(parseTable('./examples/tickets', '/repo')).toMatchObject({
      kind: 'path',
      location: '/repo/examples/tickets',
      shortName: 'tickets',
    });
    expect(parseTable('main.support.tickets', '/repo')).toMatchObject({
      kind: 'catalog',
      shortName: 'tickets',
    });
    expect(parseTable('s3://bucket/tables/tickets/', '/repo')).toMatchObject({
      kind: 'path',
      location: 's3://bucket/tables/tickets',
      shortName: 'tickets',
    });
  });

  it('splits provider/model and refuses a bare model name', () => {
    expect(parseModel('bedrock/amazon.titan-embed-text-v2:0')).toEqual({
      provider: 'bedrock',
      name: 'amazon.titan-embed-text-v2:0',
    });
    expect(() => parseModel('text-embedding-3-small')).toThrow(CliError);
  });
});

describe('describeError', () => {
  it('keeps the first line only and maps usage errors to exit 2', () => {
    const described = describeError(
      new CliError('first line\nsecond line', { exitCode: ExitCode.Usage }),
    );
    expect(described).toEqual({ message: 'first line', exitCode: 2, code: 'usage' });
  });

  it('names the sink when a connection is refused somewhere down the causes', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const error = new Error('The sink pg://u@h/db?table=t could not open', { cause });
    expect(describeError(error, { sinkId: 'pg://u@h/db?table=t' })).toMatchObject({
      message: expect.stringMatching(
        /^Cannot reach the sink pg:\/\/u@h\/db\?table=t \(ECONNREFUSED\)/,
      ),
      exitCode: 1,
    });
  });
});
