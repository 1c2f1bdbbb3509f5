import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { hasControlCharacters } from '@cae/destination-rules';
import { ApiError, FieldError } from './api-error';

/**
 * Flattens class-validator errors into one entry per offending field, with dotted paths (`destination.port`).
 * A field that is itself wrong (not an object, not an array) is reported alone: what is inside it means nothing.
 */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (!error.constraints) return toFieldErrors(error.children ?? [], field);
    const reasons = Object.entries(error.constraints).map(([constraint, message]) =>
      constraint === 'whitelistValidation' ? unknownFieldReason(error.property, parent) : message,
    );
    return [{ field, reasons: [...new Set(reasons)] }];
  });
}

/** forbidNonWhitelisted says "property x should not exist"; say why instead. */
function unknownFieldReason(property: string, parent: string): string {
  if (parent === 'destination') return `${property} is not used by this destination type; remove it`;
  return `${property} is not a field of this ${parent ? 'object' : 'request'}; check its spelling`;
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What is wrong with a key of the body, or null. Prototype keys could pollute objects if merged somewhere
 * downstream; `$` keys are MongoDB operators and dotted keys are paths to the database, which refuses both in a
 * stored document (the request is stored with its job); control characters have no business in a field name.
 */
export function keyProblem(key: string): string | null {
  if (PROTOTYPE_KEYS.has(key)) return 'is a reserved name and is not allowed';
  if (key.startsWith('$')) return 'must not start with $';
  if (key.includes('.')) return 'must not contain a dot';
  if (hasControlCharacters(key)) return 'must not contain control characters';
  return null;
}

/** Every key of the body that keyProblem refuses, with its path and reason (the body's depth is already bounded). */
export function refusedKeys(value: unknown, path = ''): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const here = path ? `${path}.${key}` : key;
    const problem = keyProblem(key);
    const inner = refusedKeys((value as Record<string, unknown>)[key], here);
    return problem ? [{ field: here, reasons: [`${key} ${problem}`] }, ...inner] : inner;
  });
}

/**
 * Refuses, before class-validator sees it, a body that is not a JSON object or that carries keys no field of the
 * API has: prototype keys (class-transformer silently drops `__proto__`, which would turn a hostile request into
 * an accepted one), operator and dotted keys (the database would refuse the stored request with a 500).
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: body', [
        { field: 'body', reasons: ['must be a JSON object'] },
      ]);
    }
    const fields = refusedKeys(value);
    if (fields.length > 0) {
      throw new ApiError(400, 'VALIDATION_FAILED', `invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
    }
    return value;
  }
}

/**
 * Strict validation of request bodies: unknown fields are refused (a typo such as `selected_action_nmae` would
 * otherwise silently export everything), types are not coerced, every problem is reported at once.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = toFieldErrors(errors);
      const names = fields.map((f) => f.field).join(', ');
      return new ApiError(400, 'VALIDATION_FAILED', `invalid request: ${names}`, fields);
    },
  });
}
