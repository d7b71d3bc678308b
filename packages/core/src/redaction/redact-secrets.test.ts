import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUri, secretsFromEnv } from './redact-secrets.js';

describe('redactUri', () => {
  it.each([
    ['postgres://me:s3cret@db:5432/app?table=t', 'postgres://me:***@db:5432/app?table=t'],
    ['pg://drift@127.0.0.1:1/app?table=t', 'pg://drift@127.0.0.1:1/app?table=t'],
    ['postgres://me:pa/ss@db/app?table=t', 'postgres://me:***@db/app?table=t'],
    ['postgres://me:p@ss:w/o?rd#x@db:5432/app', 'postgres://me:***@db:5432/app'],
    ['postgres://me:p%40ss%2Fx@[::1]:5432/app', 'postgres://me:***@[::1]:5432/app'],
    ['qdrant://SECRETKEY@localhost:6333/docs', 'qdrant://***@localhost:6333/docs'],
    ['https://user:tok@host/x', 'https://user:***@host/x'],
    ['qdrant://h:6333/c?api_key=SECRET&x=1', 'qdrant://h:6333/c?api_key=***&x=1'],
    [
      'postgres://u@h/db?password=SECRET&sslpassword=S2&table=t',
      'postgres://u@h/db?password=***&sslpassword=***&table=t',
    ],
    ['s3://b/t?sv=1&sig=SIGNATURE&se=2', 's3://b/t?sv=1&sig=***&se=2'],
    ['sc://h:15002/;token=SECRET;user_id=me', 'sc://h:15002/;token=***;user_id=me'],
    ['http://h/x?pass%77ord=SECRET', 'http://h/x?pass%77ord=***'],
    ['me:s3cret@db/app', 'me:***@db/app'],
    ['not a uri at all', 'not a uri at all'],
  ])('%s', (uri, expected) => {
    expect(redactUri(uri)).toBe(expected);
  });

  it('hides too much rather than too little when the query holds an @', () => {
    const redacted = redactUri('postgres://me:SECRET@h/db?mail=a@b.example');
    expect(redacted).not.toContain('SECRET');
  });
});

describe('redactSecrets', () => {
  it('redacts the URIs inside a message, secret parameters and bearer tokens', () => {
    const text =
      'Bad sink URI "postgres://me:pa/ss@db/app?table=t": token=abcdef; Authorization: Bearer sk-abcdefgh';
    const redacted = redactSecrets(text);
    expect(redacted).toBe(
      'Bad sink URI "postgres://me:***@db/app?table=t": token=***; Authorization: Bearer ***',
    );
  });

  it('replaces the values of credential variables wherever they appear', () => {
    const secrets = secretsFromEnv({
      OPENAI_API_KEY: 'sk-test-123456',
      QDRANT_API_KEY: 'qd-secret-key',
      PGPASSWORD: 'pg-pass-word',
      DATABASE_URL: 'postgres://u:db%2Fpass@h/db',
      PWD: '/home/me/work',
      SHORT_TOKEN: 'abc',
      HOME: '/home/me',
    });
    expect(secrets).toEqual(
      expect.arrayContaining([
        'sk-test-123456',
        'qd-secret-key',
        'pg-pass-word',
        'db%2Fpass',
        'db/pass',
      ]),
    );
    expect(secrets).not.toContain('/home/me/work');
    expect(secrets).not.toContain('abc');
    expect(redactSecrets('key sk-test-123456 and db/pass in /home/me/work', secrets)).toBe(
      'key *** and *** in /home/me/work',
    );
  });
});
