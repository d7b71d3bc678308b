import { describe, expect, it } from 'vitest';
import { parseObjectUri, parseTableUri, resolveObjectPath } from './table-uri.js';

describe('parseTableUri', () => {
  it('reads every store URI into one canonical root', () => {
    expect(parseTableUri('s3://lake/support/tickets/')).toEqual({
      store: 's3',
      root: 's3://lake/support/tickets',
    });
    expect(parseTableUri('s3a://lake/support/tickets')).toEqual({
      store: 's3',
      root: 's3://lake/support/tickets',
    });
    expect(parseTableUri('az://container/tables/t')).toEqual({
      store: 'azure',
      root: 'az://container/tables/t',
    });
    expect(parseTableUri('abfss://container@acct.dfs.core.windows.net/tables/t')).toEqual({
      store: 'azure',
      root: 'abfss://container@acct.dfs.core.windows.net/tables/t',
    });
    expect(parseTableUri('gs://bucket/t')).toEqual({ store: 'gcs', root: 'gs://bucket/t' });
  });

  it('reads local paths and file URIs as local', () => {
    expect(parseTableUri('file:///data/t/')).toEqual({ store: 'local', root: '/data/t' });
    expect(parseTableUri('t', '/data')).toEqual({ store: 'local', root: '/data/t' });
    expect(parseTableUri('/abs/t', '/data')).toEqual({ store: 'local', root: '/abs/t' });
  });

  it('refuses an unknown scheme, a URI without a bucket and an abfss URI without an account', () => {
    expect(() => parseTableUri('hdfs://nn/t')).toThrow(/hdfs:\/\/ is not a supported store/);
    expect(() => parseTableUri('s3:///t')).toThrow(/names no bucket/);
    expect(() => parseTableUri('abfss://container/t')).toThrow(/container@account/);
  });
});

describe('parseObjectUri', () => {
  it('splits bucket, account and key without decoding the key', () => {
    expect(parseObjectUri('abfss://c@acct.dfs.core.windows.net/a/b%20c')).toEqual({
      store: 'azure',
      scheme: 'abfss',
      bucket: 'c',
      account: 'acct',
      key: 'a/b%20c',
    });
    expect(parseObjectUri('/local/path')).toBeUndefined();
  });
});

describe('resolveObjectPath', () => {
  it('joins relative paths and keeps absolute URIs (s3a written s3)', () => {
    expect(resolveObjectPath('s3://b/t', '_delta_log')).toBe('s3://b/t/_delta_log');
    expect(resolveObjectPath('s3://b/t/', 'p=1/part 0.parquet')).toBe(
      's3://b/t/p=1/part 0.parquet',
    );
    expect(resolveObjectPath('s3://b/t', 's3a://other/x.parquet')).toBe('s3://other/x.parquet');
  });
});
