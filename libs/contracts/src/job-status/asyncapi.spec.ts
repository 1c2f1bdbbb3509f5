import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { parse } from 'yaml';
import { decodePayload } from '../topics/codec';
import { Topic } from '../topics/topic';
import { JOB_STATUS_EVENTS, JobStatusValue } from './value';

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Class = new () => object;

/*
 * docs/asyncapi.yaml is the published description of the job-status topic; JobStatusValue is what the services
 * actually send and accept. This compares the two from the contract's own metadata (class-validator), so that a
 * field added to the contract without its documentation, a documented field that is no longer sent, a changed
 * type, bound, enum or required-ness, fails here.
 */

const document = parse(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8'),
) as Schema;

function resolveRef(ref: string): Schema {
  const path = ref.replace(/^#\//, '').split('/');
  const target = path.reduce<Schema | undefined>((node, key) => node?.[key], document);
  if (!target) throw new Error(`${ref} does not resolve`);
  return target;
}
const deref = (node: Schema): Schema => (node.$ref ? deref(resolveRef(node.$ref)) : node);

const channel = () =>
  Object.values(document.channels as Record<string, Schema>).find((entry) => entry.address === Topic.JobStatus)!;
const message = () => deref(Object.values(channel().messages as Record<string, Schema>)[0]);
const payload = () => deref(message().payload);

/** The contract's validation metadata of a class, by property. */
function contractOf(target: Class): Map<string, ValidationMetadata[]> {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
    byProperty.set(meta.propertyName, [...(byProperty.get(meta.propertyName) ?? []), meta]);
  }
  return byProperty;
}

const isConditional = (meta: ValidationMetadata) => meta.type === 'conditionalValidation';

/**
 * The event types for which the contract requires the property: always when it is validated unconditionally,
 * never when it is @IsOptional, and for a @ValidateIf property the types whose event, without the property, is
 * still validated (the contract means it required then; see the known gap of nested objects below).
 */
function requiredFor(metas: ValidationMetadata[]): string[] {
  const conditions = metas.filter(isConditional);
  if (conditions.length === 0) return [...JOB_STATUS_EVENTS];
  if (conditions.some((meta) => meta.name === 'isOptional')) return [];
  return JOB_STATUS_EVENTS.filter((type) =>
    conditions.every((meta) => (meta.constraints[0] as (event: object) => boolean)({ type })),
  );
}

/** The event types for which the document requires a property of the payload (`required`, and `if`/`then`). */
function documentedRequiredFor(schema: Schema, property: string): string[] {
  if ((schema.required ?? []).includes(property)) return [...JOB_STATUS_EVENTS];
  return JOB_STATUS_EVENTS.filter((type) =>
    (schema.allOf ?? []).some(
      (rule: Schema) => rule.if?.properties?.type?.const === type && (rule.then?.required ?? []).includes(property),
    ),
  );
}

/** What the document says differently from the contract about a class, and about every class nested in it. */
function contractProblems(target: Class, schema: Schema, path: string, eventTypes: boolean): string[] {
  const contract = contractOf(target);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const problems = Object.keys(properties)
    .filter((property) => !contract.has(property))
    .map((property) => `${path}.${property} is documented but not in the contract`);
  for (const [property, metas] of contract) {
    const label = `${path}.${property}`;
    const doc = properties[property] ? deref(properties[property]) : undefined;
    if (!doc) {
      problems.push(`${label} is not documented`);
      continue;
    }
    if (!doc.description) problems.push(`${label} has no description`);
    const required = eventTypes
      ? documentedRequiredFor(schema, property)
      : (schema.required ?? []).includes(property)
        ? [...JOB_STATUS_EVENTS]
        : [];
    if (JSON.stringify(required) !== JSON.stringify(requiredFor(metas)))
      problems.push(`${label} is required for [${required}], the contract for [${requiredFor(metas)}]`);
    for (const meta of metas) {
      const [first, second] = meta.constraints ?? [];
      const check = (ok: boolean, what: string) => {
        if (!ok) problems.push(`${label}: ${what}`);
      };
      if (isConditional(meta)) continue;
      if (meta.type === 'nestedValidation') {
        const nested = Reflect.getMetadata('design:type', target.prototype, property) as Class;
        check(doc.type === 'object', `type ${doc.type} is not object`);
        problems.push(...contractProblems(nested, doc, label, false));
        continue;
      }
      switch (meta.name) {
        case 'isString':
          check(doc.type === 'string', `type ${doc.type} is not string`);
          break;
        case 'isInt':
          check(doc.type === 'integer', `type ${doc.type} is not integer`);
          break;
        case 'isIn':
          check(doc.type === 'string', `type ${doc.type} is not string`);
          check(
            JSON.stringify([...(doc.enum ?? [])].sort()) === JSON.stringify([...(first as string[])].sort()),
            `enum differs from the contract's ${JSON.stringify(first)}`,
          );
          break;
        case 'isUuid':
          check(doc.type === 'string' && doc.format === 'uuid', 'is not a string of format uuid');
          break;
        case 'isIso8601':
          check(doc.type === 'string' && doc.format === 'date-time', 'is not a string of format date-time');
          break;
        case 'maxLength':
          check(doc.maxLength === first, `maxLength ${doc.maxLength} is not ${first}`);
          break;
        case 'isLength':
          check(doc.minLength === first && doc.maxLength === second, `length is not ${first}-${second}`);
          break;
        case 'min':
          check(doc.minimum === first, `minimum ${doc.minimum} is not ${first}`);
          break;
        case 'isDefined':
          // Required-ness, compared above (per event type where the contract has a ValidateIf).
          break;
        default:
          // A rule this test cannot compare yet: teach it here, with the document, rather than let it pass unseen.
          problems.push(`${label}: no comparison for the contract's ${meta.name ?? meta.type} rule`);
      }
    }
  }
  return problems;
}

/** What is wrong with a value by the document's schema (the JSON Schema subset the document uses). */
function schemaProblems(value: unknown, node: Schema, path = '$'): string[] {
  const schema = deref(node);
  const problems = (schema.allOf ?? []).flatMap((rule: Schema) =>
    rule.if
      ? schemaProblems(value, rule.if, path).length === 0 && rule.then
        ? schemaProblems(value, rule.then, path)
        : []
      : schemaProblems(value, rule, path),
  );
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && schema.type !== actual) return [...problems, `${path} is ${actual}, documented ${schema.type}`];
  if (schema.const !== undefined && value !== schema.const) problems.push(`${path} is not ${schema.const}`);
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path} ${String(value)} is not in its enum`);
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${path} too long`);
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${path} too short`);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${path} not a date-time`);
    if (schema.format === 'uuid' && !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(value))
      problems.push(`${path} not a uuid`);
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum)
    problems.push(`${path} below its minimum`);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${path}.${key} is missing`);
    for (const [key, field] of Object.entries(record)) {
      if (schema.properties?.[key]) problems.push(...schemaProblems(field, schema.properties[key], `${path}.${key}`));
    }
  }
  return problems;
}

describe('docs/asyncapi.yaml', () => {
  it('describes the job-status topic, keyed by job id', () => {
    expect(document.asyncapi).toMatch(/^3\./);
    expect(channel()).toBeDefined();
    expect(message().contentType).toBe('application/json');
    expect(deref(message().bindings?.kafka?.key ?? {})).toMatchObject({ type: 'string', format: 'uuid' });
  });

  it('documents every field of the contract with its type, bounds, enum and required-ness, and no other', () => {
    expect(contractProblems(JobStatusValue, payload(), 'JobStatusValue', true)).toEqual([]);
  });

  it('has an example of every event type, each one valid by the contract and by the document', () => {
    const examples = (message().examples ?? []) as { name?: string; payload: Record<string, unknown> }[];
    expect(examples.map((example) => example.payload.type).sort()).toEqual(
      expect.arrayContaining([...JOB_STATUS_EVENTS].sort()),
    );
    for (const example of examples) {
      expect(() => decodePayload(Topic.JobStatus, JSON.stringify(example.payload))).not.toThrow();
      expect([example.name, schemaProblems(example.payload, payload())]).toEqual([example.name, []]);
    }
  });

  /** The example of `type`, without `field`: an event the document says is incomplete. */
  const withoutField = (type: string, field: string) => {
    const example = (message().examples as { payload: Record<string, unknown> }[]).find(
      (entry) => entry.payload.type === type,
    )!.payload;
    return Object.fromEntries(Object.entries(example).filter(([key]) => key !== field));
  };

  it('refuses by its schema an event without the field its type requires', () => {
    expect(schemaProblems(withoutField('file.delivered', 'file'), payload())).toEqual(['$.file is missing']);
    expect(schemaProblems(withoutField('job.completed', 'fileCount'), payload())).toEqual(['$.fileCount is missing']);
    expect(schemaProblems(withoutField('job.failed', 'error'), payload())).toEqual(['$.error is missing']);
    expect(() => decodePayload(Topic.JobStatus, JSON.stringify(withoutField('job.completed', 'fileCount')))).toThrow();
  });

  // KNOWN GAP of the contract, not of the document: @ValidateNested skips an undefined value, so the codec accepts a
  // file.delivered without `file` and a job.failed without `error` (which the jobs service then reads with `!`).
  // Adding @IsDefined() to `file` and `error` in value.ts fixes it; this test then fails: make it a plain `it`.
  it('the contract refuses a file.delivered without its file, and a job.failed without its error', () => {
    expect(() => decodePayload(Topic.JobStatus, JSON.stringify(withoutField('file.delivered', 'file')))).toThrow();
    expect(() => decodePayload(Topic.JobStatus, JSON.stringify(withoutField('job.failed', 'error')))).toThrow();
  });

  it('points subscribers to the example subscriber', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.yaml'), 'utf8');
    expect(text.split('\n').slice(0, 5).join('\n')).toContain('docs/examples/job-status-subscriber.ts');
  });
});
