import { NonRetriableError } from '@cae/kafka';

/** Operators an audience rule may use: comparisons, sets, existence and boolean combinations. Nothing else. */
const FIELD_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);
const COMBINATORS = new Set(['$and', '$or', '$nor']);
const FIELD_NAME = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,5}$/;
const MAX_DEPTH = 8;

/**
 * Turns a saved audience rule (a filter over a contact's `attributes`) into a filter on the contacts collection:
 * `{ tier: 'vip', age: { $gte: 30 } }` becomes `{ 'attributes.tier': 'vip', 'attributes.age': { $gte: 30 } }`.
 * Only a safe subset of operators is accepted (no `$where`, `$expr`, `$function`, `$regex`); anything else makes
 * the export fail with AUDIENCE_RULE_INVALID rather than run an unintended query.
 */
export function audienceRuleToContactFilter(rule: unknown, depth = 0): Record<string, unknown> {
  if (depth > MAX_DEPTH) invalid('is nested too deeply');
  if (!isPlainObject(rule)) invalid('must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rule)) {
    if (COMBINATORS.has(key)) {
      if (!Array.isArray(value) || value.length === 0) invalid(`${key} needs a non-empty array`);
      out[key] = value.map((part) => audienceRuleToContactFilter(part, depth + 1));
    } else if (key.startsWith('$') || !FIELD_NAME.test(key) || key.split('.').some(isDangerous)) {
      invalid(`uses an unsupported key ${JSON.stringify(key.slice(0, 64))}`);
    } else {
      out[`attributes.${key}`] = fieldCondition(value);
    }
  }
  return out;
}

function fieldCondition(value: unknown): unknown {
  if (!isPlainObject(value)) return literal(value);
  const entries = Object.entries(value);
  if (!entries.every(([op]) => op.startsWith('$'))) return literal(value);
  const out: Record<string, unknown> = {};
  for (const [op, operand] of entries) {
    if (!FIELD_OPERATORS.has(op)) invalid(`uses an unsupported operator ${JSON.stringify(op.slice(0, 32))}`);
    if ((op === '$in' || op === '$nin') && (!Array.isArray(operand) || operand.length > 10_000))
      invalid(`${op} needs an array`);
    if (op === '$exists' && typeof operand !== 'boolean') invalid('$exists needs true or false');
    out[op] = Array.isArray(operand) ? operand.map(literal) : literal(operand);
  }
  return out;
}

/** Values are compared as they are; objects inside values may not smuggle operators in. */
function literal(value: unknown): unknown {
  if (isPlainObject(value) && Object.keys(value).some((key) => key.startsWith('$') || isDangerous(key))) {
    invalid('has an operator where a value was expected');
  }
  return value;
}

function isDangerous(segment: string): boolean {
  return segment === '__proto__' || segment === 'constructor' || segment === 'prototype';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function invalid(reason: string): never {
  throw new NonRetriableError('AUDIENCE_RULE_INVALID', `the audience rule ${reason}`);
}
