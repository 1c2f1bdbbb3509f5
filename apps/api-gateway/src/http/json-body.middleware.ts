import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';

/**
 * Parses JSON bodies with a size limit and answers parse failures in the API's error shape
 * (body-parser's own errors would otherwise bypass Nest's exception filter).
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = json({ limit: limitBytes, strict: true, type: () => true });
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH') return next();
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/(.+\+)?json\b/i.test(type)) {
      response.status(415).json({
        statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the request body as application/json',
      });
      return;
    }
    parse(request, response, (error?: { type?: string; message?: string }) => {
      if (!error) return next();
      if (error.type === 'entity.too.large') {
        response.status(413).json({
          statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: `request body is larger than ${limitBytes} bytes`,
        });
        return;
      }
      response.status(400).json({
        statusCode: 400, code: 'MALFORMED_JSON', message: 'request body is not valid JSON',
        fields: [{ field: 'body', reasons: ['is not valid JSON'] }],
      });
    });
  };
}
