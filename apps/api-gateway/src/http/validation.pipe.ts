import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, FieldError } from './api-error';

/** Flattens class-validator errors into one entry per offending field, with dotted paths (`destination.port`). */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, reasons: Object.values(error.constraints) }] : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

const DANGEROUS_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths of keys that could pollute prototypes if merged into an object somewhere downstream. */
export function dangerousKeyPaths(value: unknown, path = '', depth = 0): string[] {
  if (depth > 32 || typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const here = path ? `${path}.${key}` : key;
    const inner = dangerousKeyPaths((value as Record<string, unknown>)[key], here, depth + 1);
    return DANGEROUS_KEYS.has(key) ? [here, ...inner] : inner;
  });
}

/**
 * Refuses, before class-validator sees it, a body that is not a JSON object or that carries prototype keys.
 * (class-transformer silently drops `__proto__`, which would turn a hostile request into an accepted one.)
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: body', [{ field: 'body', reasons: ['must be a JSON object'] }]);
    }
    const paths = dangerousKeyPaths(value);
    if (paths.length > 0) {
      throw new ApiError(400, 'VALIDATION_FAILED', `invalid request: ${paths.join(', ')}`,
        paths.map((field) => ({ field, reasons: ['is a reserved name and is not allowed'] })));
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
