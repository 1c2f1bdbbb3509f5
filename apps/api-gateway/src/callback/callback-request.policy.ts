import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { callbackHost, callbackUrlProblem } from '@cae/destination-rules';
import { HostPolicy, HostRefusedError } from '@cae/host-policy';
import { JobCallback } from '@cae/mongo';
import { CallbackSecretStore, CredentialCipher } from '@cae/secrets';
import { ApiError } from '../http/api-error';

/** The request field, as the DTO names it and the jobs service reads it from the stored request. */
export const CALLBACK_URL_FIELD = 'callbackUrl';

/**
 * What the gateway checks of an export's `callbackUrl` before anything is stored: its syntax (already by the DTO,
 * again here so that a URL this refuses never reaches the parser unchecked), its host by the destinations' host
 * policy (loopback, private, link-local, metadata and IPv6 forms that carry them are refused unless allow-listed;
 * the jobs service checks again before every attempt), and that the account has a secret to sign with: without
 * one the receiver could verify nothing, and a secret made here could never be shown to it.
 */
@Injectable()
export class CallbackRequestPolicy {
  constructor(
    private readonly hosts: HostPolicy,
    private readonly secrets: CallbackSecretStore,
    private readonly cipher: CredentialCipher,
  ) {}

  /** The pending callback of a new job, its URL sealed for that job (see callbackOf). */
  pendingCallback(jobId: string, callbackUrl: string): { callback?: JobCallback } {
    return callbackOf(callbackUrl, (url) => this.cipher.seal(url, jobId));
  }

  async check(accountId: string, callbackUrl: string): Promise<void> {
    const problem = callbackUrlProblem(callbackUrl);
    if (problem !== null) {
      throw new ApiError(400, 'VALIDATION_FAILED', `invalid request: ${CALLBACK_URL_FIELD}`, [
        { field: CALLBACK_URL_FIELD, reasons: [`${CALLBACK_URL_FIELD} ${problem}`] },
      ]);
    }
    await this.refuseHost(new URL(callbackUrl));
    if (!(await this.secrets.exists(accountId))) {
      throw new ApiError(
        400,
        'CALLBACK_SECRET_MISSING',
        'this account has no callback secret yet: create one with POST /v2/callback-secret, then send the export again',
        [{ field: CALLBACK_URL_FIELD, reasons: ['the account has no callback secret to sign callbacks with'] }],
      );
    }
  }

  /** A name that does not resolve now is accepted, as for destinations: the jobs service resolves it again. */
  private async refuseHost(url: URL): Promise<void> {
    try {
      await this.hosts.resolve(callbackHost(url));
    } catch (error) {
      if (!(error instanceof HostRefusedError)) throw error;
      if (error.reason === 'unresolvable') return;
      const reason =
        error.reason === 'private-address'
          ? `the host ${url.hostname} points at a private or reserved address, which callbacks may not use`
          : `the host ${url.hostname} is not in this installation's allow-list`;
      throw new ApiError(400, 'CALLBACK_HOST_REFUSED', `invalid request: ${CALLBACK_URL_FIELD}`, [
        { field: CALLBACK_URL_FIELD, reasons: [reason] },
      ]);
    }
  }
}

/**
 * What the job document carries for a request with a `callbackUrl`: a pending callback the jobs service sends once
 * the job has ended, with the URL sealed by `seal` (the stored request shows only its origin). Nothing for a
 * request without one.
 */
export function callbackOf(
  callbackUrl: string | null | undefined,
  seal: (url: string) => string,
): { callback?: JobCallback } {
  if (callbackUrl === undefined || callbackUrl === null) return {};
  return { callback: { state: 'pending', eventId: randomUUID(), attempts: 0, sealedUrl: seal(callbackUrl) } };
}
