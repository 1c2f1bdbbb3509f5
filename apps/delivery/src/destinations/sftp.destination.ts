import { Injectable } from '@nestjs/common';
import SftpClient from 'ssh2-sftp-client';
import { fingerprintOf } from '@cae/destination-rules';
import { HostPolicy } from '@cae/host-policy';
import { NonRetriableError, RetriableError } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import {
  authFailed,
  folderMissing,
  isNetworkFailure,
  permissionDenied,
  transferFailed,
  unreachable,
} from './delivery-errors';
import { DeliveryInput, DeliveryReceipt, Destination } from './destination';
import { remoteFile, temporaryName } from './destination-paths';
import { remoteTarget } from './resolve-host';
import { HostKeyVerdict, SftpHostKeys } from './sftp-host-keys.repository';

const hostKeyMismatch = (where: string, presented: string, verdict: HostKeyVerdict) =>
  new NonRetriableError(
    'HOST_KEY_MISMATCH',
    verdict.source === 'hostKeyFingerprint'
      ? `${where} presented the host key ${presented}, not the hostKeyFingerprint ${verdict.expected}; nothing was sent`
      : `${where} presented the host key ${presented}, but ${verdict.expected} was seen first for this account; nothing was sent. ` +
          `If the server's key really changed, send destination.hostKeyFingerprint: "${presented}"`,
  );

/**
 * SFTP (OpenSSH and compatible servers), password authentication. The server's host key is checked before the
 * password is sent (SftpHostKeys: the requested fingerprint, or the first key seen). Uploads to a hidden temporary
 * name in the target folder, created with SFTP_FILE_MODE, then renames it over the final name with
 * `posix-rename@openssh.com` (atomic, overwrites): a reader never sees a partial file, and a re-delivery replaces
 * the earlier copy.
 */
@Injectable()
export class SftpDestination implements Destination {
  constructor(
    private readonly hosts: HostPolicy,
    private readonly env: DeliveryEnv,
    private readonly hostKeys: SftpHostKeys,
  ) {}

  async deliver({ chunk, secrets, open }: DeliveryInput): Promise<DeliveryReceipt> {
    const { where, address, port, folder } = await remoteTarget(this.hosts, chunk.delivery, secrets, 'sftp', 22);
    const client = new SftpClient();
    // Set by the host key check, which runs inside the handshake: ssh2 only reports "verification failed".
    let refusal: Error | null = null;
    const hostVerifier = (key: Buffer, verify: (trusted: boolean) => void) => {
      const presented = fingerprintOf(key);
      const target = { accountId: chunk.accountId, server: chunk.delivery.server ?? '', port, jobId: chunk.jobId };
      this.hostKeys.judge(target, presented, chunk.delivery.hostKeyFingerprint).then(
        (verdict) => {
          if (!verdict.trusted) refusal = hostKeyMismatch(where, presented, verdict);
          verify(verdict.trusted);
        },
        () => {
          refusal = transferFailed(where);
          verify(false);
        },
      );
    };
    try {
      try {
        await client.connect({
          host: address,
          port,
          username: secrets?.username,
          password: secrets?.password,
          hostVerifier,
          readyTimeout: this.env.DELIVERY_TIMEOUT_MS,
          retries: 0,
          timeout: this.env.DELIVERY_TIMEOUT_MS,
        });
      } catch (error) {
        if (refusal) throw refusal;
        if (/authentication/i.test(String((error as Error).message))) throw authFailed(where);
        throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
      }
      if (folder !== '.' && (await client.exists(folder)) !== 'd') throw folderMissing(folder, where);
      const final = remoteFile(folder, chunk.fileName);
      const temporary = remoteFile(folder, temporaryName(chunk));
      try {
        // ssh2's default mode is 0666: the customer's server would get world-writable files.
        await client.put(await open(), temporary, { writeStreamOptions: { mode: this.env.SFTP_FILE_MODE } });
        await client.posixRename(temporary, final);
      } catch (error) {
        await client.delete(temporary, true).catch(() => undefined);
        if ((error as { code?: unknown }).code === 3) throw permissionDenied(final, where);
        throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
      }
      return { name: chunk.fileName, location: `${where}/${final.replace(/^\.?\//, '')}` };
    } catch (error) {
      if (error instanceof NonRetriableError || error instanceof RetriableError) throw error;
      throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
