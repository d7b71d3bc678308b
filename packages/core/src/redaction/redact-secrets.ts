/**
 * The one place where credentials are taken out of what Drift prints or records: sink
 * URIs, Spark Connect strings, error messages. Every URI that reaches a message, a log
 * line, `--json` or the ledger goes through `redactUri` (one URI) or `redactSecrets`
 * (free text that may hold URIs). When in doubt they hide too much, never too little.
 */

/** What a hidden secret is replaced with. */
export const redactedMark = '***';

/** Query or connection-string parameters whose value is a secret (matched inside the name). */
const secretParameter = /pass|pwd|secret|token|key|sig|sas|auth|credential|session/i;

/** Schemes whose `user@` is a role name, kept in messages (`pg://drift@host`). */
const userSchemes = new Set(['pg', 'postgres', 'postgresql', 'pglite']);

/** What follows the `@` of a user-info part: a host, an IPv6 literal, a port. */
const hostAfterAt = /^[\w.%~-]*(\[[0-9a-f:.%\w]*\])?(:\d*)?$/i;

/** A URI as it may appear inside a message: scheme, `://`, then anything but blanks and quotes. */
const uriInText = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]+/gi;

/**
 * A URI with its credentials replaced by `***`: the password of `user:password@` (any
 * characters, `/`, `@`, `:`, `?` and percent-encodings included), a user-info without a
 * password except a PostgreSQL role name (`qdrant://KEY@host` hides KEY), and the value of
 * any parameter whose name looks secret (`password=`, `api_key=`, `key=`, `token=`, `sig=`,
 * `;token=` of Spark Connect). Works on strings that are not valid URIs too.
 */
export function redactUri(uri: string): string {
  const schemeMatch = /^\s*([a-z][a-z0-9+.-]*):\/\//i.exec(uri);
  const scheme = schemeMatch?.[1]?.toLowerCase();
  const head = schemeMatch ? schemeMatch[0] : '';
  let rest = uri.slice(head.length);
  const at = userInfoEnd(rest);
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    const kept =
      colon >= 0
        ? `${userInfo.slice(0, colon)}:${redactedMark}`
        : scheme !== undefined && userSchemes.has(scheme)
          ? userInfo
          : redactedMark;
    rest = `${kept}${rest.slice(at)}`;
  }
  return head + redactParameters(rest);
}

/**
 * Free text (an error message, a log line) with every URI in it redacted, every
 * `secret-name=value` pair and `Bearer …` token hidden, and each of `secrets` (values
 * taken from the environment, see `secretsFromEnv`) replaced wherever it appears.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= minSecretLength) result = result.split(secret).join(redactedMark);
  }
  result = result.replace(uriInText, (uri) => redactUri(uri));
  result = result.replace(/\b(bearer|basic)\s+[\w.~+/=-]{6,}/gi, `$1 ${redactedMark}`);
  return redactParameters(result);
}

/** Environment variables that hold credentials: by name, as the providers and drivers read them. */
const secretEnvName =
  /(^|_)(API_?KEY|KEY|SECRET|TOKEN|PASSWORD|PASSWD|PASS|CREDENTIALS?)(_|$)|^PGPASSWORD$|^DATABASE_URL$/i;

/** Shorter values are not replaced: they would also match ordinary words and numbers. */
const minSecretLength = 6;

/**
 * The values of the environment's credential variables (`OPENAI_API_KEY`,
 * `QDRANT_API_KEY`, `PGPASSWORD`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, …), to
 * pass to `redactSecrets` so none of them can reach an output even inside a message.
 */
export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < minSecretLength || !secretEnvName.test(name))
      continue;
    secrets.add(value);
    // A URL-valued variable (DATABASE_URL) holds its password percent-encoded or not.
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#]*:([^@]*)@/i.exec(value)?.[1];
    if (password && password.length >= minSecretLength) {
      secrets.add(password);
      secrets.add(safeDecode(password));
    }
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** Where the user-info of a URI (without its scheme) ends: the last `@` before a host. */
function userInfoEnd(rest: string): number {
  for (let at = rest.lastIndexOf('@'); at > 0; at = rest.lastIndexOf('@', at - 1)) {
    const after = rest.slice(at + 1);
    const hostEnd = after.search(/[/?#;]/);
    if (hostAfterAt.test(hostEnd === -1 ? after : after.slice(0, hostEnd))) return at;
  }
  return -1;
}

function redactParameters(text: string): string {
  return text.replace(
    /([?&;,\s]|^)([\w.%-]*)=([^&;#\s,)"']*)/g,
    (whole, separator: string, name: string, value: string) =>
      value !== '' && value !== redactedMark && secretParameter.test(safeDecode(name))
        ? `${separator}${name}=${redactedMark}`
        : whole,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
