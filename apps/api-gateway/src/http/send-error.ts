import type { Response } from 'express';
import { FieldError } from './api-error';

/**
 * Answers with the API's error shape (ApiError's body) from Express middleware, which runs before Nest's exception
 * filter can: `{ statusCode, code, message, fields? }`.
 */
export function sendApiError(
  response: Response,
  status: number,
  code: string,
  message: string,
  fields?: FieldError[],
): void {
  response.status(status).json({ statusCode: status, code, message, ...(fields ? { fields } : {}) });
}
