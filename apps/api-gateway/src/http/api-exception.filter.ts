import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** The code of an HttpException that carries none of the API's own (Nest's 404 for an unknown path, ...). */
export const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Turns every error into the API's JSON error shape; unexpected ones become a 500 without internals. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'code' in body) {
        response.status(status).json(body);
        return;
      }
      const message = typeof body === 'string' ? body : ((body as { message?: string }).message ?? exception.message);
      response.status(status).json({ statusCode: status, code: CODES[status] ?? 'ERROR', message: String(message) });
      return;
    }
    this.logger.error({
      message: 'unhandled error',
      error: exception instanceof Error ? exception.message : String(exception),
    });
    response
      .status(500)
      .json({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error; please retry later' });
  }
}
