import { HttpException } from '@nestjs/common';

export interface FieldError {
  field: string;
  reasons: string[];
}

/**
 * Every error answer of the API: `{ statusCode, code, message, fields? }`. `code` is stable and machine-readable;
 * `fields` lists each offending request field with its reasons (validation errors only).
 */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, fields?: FieldError[]) {
    super({ statusCode: status, code, message, ...(fields ? { fields } : {}) }, status);
  }
}
