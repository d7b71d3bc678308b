// Payload selection and Qdrant filters (must / should / must_not over match conditions).
import { formatError } from './qdrant-values.mjs';

function payloadValue(payload, path) {
  let value = payload;
  for (const part of path.split('.')) value = value == null ? undefined : value[part];
  return value;
}

function matchCondition(point, condition) {
  if (condition.has_id) return condition.has_id.some((id) => parseId(id).key === point.sortKey);
  if (condition.must || condition.should || condition.must_not)
    return matchFilter(point, condition);
  if (typeof condition.key !== 'string')
    throw formatError('a condition needs `key`, `has_id` or a nested filter');
  const value = payloadValue(point.payload, condition.key);
  const values = Array.isArray(value) ? value : [value];
  if (condition.match) {
    if ('value' in condition.match)
      return values.some((candidate) => candidate === condition.match.value);
    if (Array.isArray(condition.match.any))
      return values.some((candidate) => condition.match.any.includes(candidate));
    if (Array.isArray(condition.match.except))
      return values.every((candidate) => !condition.match.except.includes(candidate));
    throw formatError('unsupported match: use value, any or except');
  }
  if (condition.is_null) return value === null;
  if (condition.is_empty)
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  throw formatError(
    'unsupported condition in the stand-in: use match, has_id, is_null or is_empty',
  );
}

function matchFilter(point, filter) {
  if (filter == null) return true;
  if (typeof filter !== 'object') throw formatError('filter must be an object');
  const list = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);
  const must = list(filter.must);
  const should = list(filter.should);
  const mustNot = list(filter.must_not);
  if (!must.every((condition) => matchCondition(point, condition))) return false;
  if (should.length > 0 && !should.some((condition) => matchCondition(point, condition)))
    return false;
  return !mustNot.some((condition) => matchCondition(point, condition));
}

function selectPayload(payload, withPayload) {
  if (withPayload === true) return { ...payload };
  if (withPayload === false || withPayload == null) return undefined;
  const include = Array.isArray(withPayload) ? withPayload : withPayload.include;
  if (Array.isArray(include))
    return Object.fromEntries(Object.entries(payload).filter(([key]) => include.includes(key)));
  if (Array.isArray(withPayload.exclude))
    return Object.fromEntries(
      Object.entries(payload).filter(([key]) => !withPayload.exclude.includes(key)),
    );
  throw formatError('with_payload must be a boolean, a list of keys, or {include|exclude}');
}

function record(point, withPayload, withVector) {
  const out = { id: point.id };
  const payload = selectPayload(point.payload, withPayload);
  if (payload !== undefined) out.payload = payload;
  if (withVector) out.vector = point.vector.slice();
  return out;
}

export { matchCondition, matchFilter, payloadValue, record, selectPayload };
