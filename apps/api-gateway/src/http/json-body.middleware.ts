import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { jsonNestingDepth, MAX_JSON_DEPTH } from './json-depth';
import { sendApiError } from './send-error';

const TOO_DEEP = 'entity.too.deep';

/** JSON is UTF-8 (RFC 8259); another charset is refused rather than guessed (the depth check reads UTF-8 bytes). */
function isUtf8(contentType: string): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/** body-parser's verify hook: runs on the raw bytes before JSON.parse; a thrown error keeps its status and type. */
function refuseDeepNesting(_request: unknown, _response: unknown, bytes: Buffer): void {
  if (jsonNestingDepth(bytes, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    throw Object.assign(new Error('body nests too deep'), { status: 400, type: TOO_DEEP });
}

/**
 * Parses JSON bodies with a size limit and a deadline, and answers failures in the API's error shape
 * (body-parser's own errors would otherwise bypass Nest's exception filter). The deadline stops slow clients
 * (a body trickling in a byte at a time) from holding a connection and its memory for long.
 */
export function jsonBody(limitBytes: number, bodyTimeoutMs: number): RequestHandler {
  const parse = json({ limit: limitBytes, strict: true, type: () => true, verify: refuseDeepNesting });
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'POST' && request.method !== 'PUT' && request.method !== 'PATCH') return next();
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/(.+\+)?json\b/i.test(type) || !isUtf8(type)) {
      sendApiError(response, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the request body as application/json (UTF-8)');
      return;
    }
    const deadline = setTimeout(() => {
      if (response.headersSent) return;
      response.set('connection', 'close');
      sendApiError(response, 408, 'REQUEST_TIMEOUT', `the request body did not arrive within ${bodyTimeoutMs} ms`);
      // Nothing more is read from this client.
      response.once('finish', () => request.destroy());
    }, bodyTimeoutMs);
    parse(request, response, (error?: { type?: string; message?: string }) => {
      clearTimeout(deadline);
      if (response.headersSent) return;
      if (!error) return next();
      if (error.type === 'entity.too.large') {
        sendApiError(response, 413, 'PAYLOAD_TOO_LARGE', `request body is larger than ${limitBytes} bytes`);
        return;
      }
      if (error.type === TOO_DEEP) {
        sendApiError(response, 400, 'VALIDATION_FAILED', 'invalid request: body', [
          { field: 'body', reasons: [`nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`] },
        ]);
        return;
      }
      sendApiError(response, 400, 'MALFORMED_JSON', 'request body is not valid JSON', [
        { field: 'body', reasons: ['is not valid JSON'] },
      ]);
    });
  };
}
