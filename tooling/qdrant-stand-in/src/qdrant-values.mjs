// Qdrant's value rules as the stand-in enforces them: ids, vectors, distances, errors.
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DISTANCES = new Set(['Cosine', 'Euclid', 'Dot', 'Manhattan']);
const NAME = /^[^/\\\0]{1,255}$/;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}
const wrongInput = (message) => new HttpError(400, `Wrong input: ${message}`);
const formatError = (message) => new HttpError(400, `Format error in JSON body: ${message}`);
const notFound = (name) => new HttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);

/** Parses a point id as Qdrant does: an unsigned integer, or a UUID in any of its spellings. */
function parseId(value) {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
    return { key: `n:${String(value).padStart(20, '0')}`, id: value };
  if (typeof value === 'string' && UUID.test(value)) {
    const hex = value.replace(/-/g, '').toLowerCase();
    const canonical = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { key: `u:${hex}`, id: canonical };
  }
  throw formatError(
    `value ${JSON.stringify(value)} is not a valid point ID, valid values are either an unsigned integer or a UUID`,
  );
}

function checkVector(collection, vector) {
  if (
    !Array.isArray(vector) ||
    vector.some((value) => typeof value !== 'number' || !Number.isFinite(value))
  ) {
    throw formatError('vector must be an array of finite numbers');
  }
  const size = collection.config.params.vectors.size;
  if (vector.length !== size)
    throw wrongInput(`Vector dimension error: expected dim: ${size}, got ${vector.length}`);
  if (collection.config.params.vectors.distance !== 'Cosine') return vector.slice();
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return norm === 0 ? vector.slice() : vector.map((value) => value / norm);
}

function score(distance, a, b) {
  let sum = 0;
  if (distance === 'Cosine' || distance === 'Dot') {
    for (let index = 0; index < a.length; index++) sum += a[index] * b[index];
    return sum;
  }
  if (distance === 'Euclid') {
    for (let index = 0; index < a.length; index++) sum += (a[index] - b[index]) ** 2;
    return Math.sqrt(sum);
  }
  for (let index = 0; index < a.length; index++) sum += Math.abs(a[index] - b[index]);
  return sum;
}
/** Cosine and Dot: higher is nearer; Euclid and Manhattan: lower is nearer. */
const higherIsBetter = (distance) => distance === 'Cosine' || distance === 'Dot';

function optionalBoolean(body, name, fallback) {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (name === 'with_payload' && typeof value !== 'boolean') return value;
  if (typeof value !== 'boolean')
    throw formatError(`invalid type: expected a boolean for \`${name}\``);
  return value;
}

function positiveInteger(body, name, fallback) {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw formatError(`invalid value: expected an unsigned integer for \`${name}\``);
  if (name === 'limit' && value < 1)
    throw new HttpError(
      422,
      `Validation error in JSON body: [${name}: value 0 invalid, must be 1 or larger]`,
    );
  return value;
}

export {
  checkVector,
  DISTANCES,
  formatError,
  HttpError,
  higherIsBetter,
  NAME,
  notFound,
  optionalBoolean,
  parseId,
  positiveInteger,
  score,
  UUID,
  wrongInput,
};
