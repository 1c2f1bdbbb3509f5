import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, FieldError } from './api-error';

/** Flattens class-validator errors into one entry per offending field, with dotted paths (`destination.port`). */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, reasons: Object.values(error.constraints) }] : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
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
