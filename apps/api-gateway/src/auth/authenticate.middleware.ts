import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Logger } from '@nestjs/common';
import { sendApiError } from '../http/send-error';
import { apiKeyFromHeader, AuthenticatedRequest } from './api-key.guard';
import { ApiKeyRepository, hashApiKey } from './api-key.repository';
import { FailedAuthLimiter } from './failed-auth-limiter';

const logger = new Logger('auth');

/** Answers at once, in the API's error shape; an unread body is never read (the connection closes after). */
function refuse(
  request: Request,
  response: Response,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    response.set('connection', 'close');
    response.once('finish', () => request.destroy());
  }
  sendApiError(response.set(headers), status, code, message);
}

/**
 * Authenticates every `/v2` request before anything reads its body: a caller without a valid key costs one key
 * lookup and no parsing, and an address that keeps failing is answered 429 without even the lookup
 * (FailedAuthLimiter). The Nest guards then only read the account this middleware found.
 */
export function authenticate(
  keys: ApiKeyRepository,
  limiter: FailedAuthLimiter,
  trustsProxies: boolean,
): RequestHandler {
  let warnedAboutProxy = false;
  // Lookups in flight by key hash: concurrent requests with one key share one lookup and one admission (a client
  // sending 100 requests at once with a new, valid key is one check, not 100 failures-in-waiting).
  const inFlight = new Map<string, Promise<string | null>>();
  return (request: Request, response: Response, next: NextFunction) => {
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    if (!trustsProxies && !warnedAboutProxy && request.headers['x-forwarded-for'] !== undefined) {
      // Behind a proxy, every client would share the proxy's failure budget: one guesser could lock out everyone.
      warnedAboutProxy = true;
      logger.warn({
        message:
          'requests carry X-Forwarded-For but TRUSTED_PROXIES is empty: failed authentications are counted per proxy, not per client',
      });
    }
    const key = apiKeyFromHeader(request.headers.authorization);
    const keyHash = key === null ? null : hashApiKey(key);
    let lookup = keyHash === null ? undefined : inFlight.get(keyHash);
    if (!lookup) {
      const admission = limiter.admit(address, keyHash);
      if (admission.waitSeconds > 0) {
        const wait = String(admission.waitSeconds);
        refuse(
          request,
          response,
          429,
          'RATE_LIMITED',
          `too many failed authentications from this address; retry in ${wait} s`,
          { 'Retry-After': wait },
        );
        return;
      }
      const started = keyHash === null ? Promise.resolve(null) : keys.accountOfHash(keyHash);
      lookup = started
        .then(
          (accountId) => {
            admission.settle(accountId === null ? 'invalid' : 'valid');
            return accountId;
          },
          (error: unknown) => {
            admission.settle('unknown');
            throw error;
          },
        )
        .finally(() => {
          if (keyHash !== null) inFlight.delete(keyHash);
        });
      if (keyHash !== null) inFlight.set(keyHash, lookup);
    }
    lookup.then(
      (accountId) => {
        if (!accountId) {
          refuse(
            request,
            response,
            401,
            'UNAUTHORIZED',
            'missing or invalid API key: use HTTP Basic with the key as user name',
          );
          return;
        }
        (request as AuthenticatedRequest).accountId = accountId;
        next();
      },
      (error: unknown) => {
        logger.error({
          message: 'API key lookup failed',
          error: error instanceof Error ? error.message : String(error),
        });
        refuse(request, response, 503, 'SERVICE_UNAVAILABLE', 'authentication is unavailable; please retry later', {
          'Retry-After': '5',
        });
      },
    );
  };
}
