import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../http/api-error';
import { ApiKeyRepository } from './api-key.repository';

export interface AuthenticatedRequest extends Request {
  accountId: string;
}

/** HTTP Basic with the API key as user name and an empty password, as Cordial's API is called (`curl -u KEY:`). */
export function apiKeyFromHeader(header: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon === -1 ? decoded : decoded.slice(0, colon);
  return key.length > 0 && key.length <= 256 ? key : null;
}

/**
 * Every API route is authenticated. The `authenticate` middleware has normally done it before the body was read;
 * the guard then only confirms, and looks the key up itself where the middleware is not mounted.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (typeof request.accountId === 'string' && request.accountId !== '') return true;
    const key = apiKeyFromHeader(request.headers.authorization);
    const accountId = key ? await this.keys.accountOf(key) : null;
    if (!accountId) {
      throw new ApiError(401, 'UNAUTHORIZED', 'missing or invalid API key: use HTTP Basic with the key as user name');
    }
    request.accountId = accountId;
    return true;
  }
}
