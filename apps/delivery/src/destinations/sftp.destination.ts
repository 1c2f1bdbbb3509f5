import { Injectable } from '@nestjs/common';
import SftpClient from 'ssh2-sftp-client';
import { HostPolicy } from '@cae/host-policy';
import { NonRetriableError, RetriableError } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import { authFailed, folderMissing, isNetworkFailure, permissionDenied, transferFailed, unreachable } from './delivery-errors';
import { DeliveryInput, DeliveryReceipt, Destination } from './destination';
import { remoteFile, temporaryName } from './destination-paths';
import { remoteTarget } from './resolve-host';

/**
 * SFTP (OpenSSH and compatible servers), password authentication. Uploads to a hidden temporary name in the target
 * folder, then renames it over the final name with `posix-rename@openssh.com` (atomic, overwrites): a reader
 * never sees a partial file, and a re-delivery replaces the earlier copy.
 */
@Injectable()
export class SftpDestination implements Destination {
  constructor(
    private readonly hosts: HostPolicy,
    private readonly env: DeliveryEnv,
  ) {}

  async deliver({ chunk, secrets, open }: DeliveryInput): Promise<DeliveryReceipt> {
    const { where, address, port, folder } = await remoteTarget(this.hosts, chunk.delivery, secrets, 'sftp', 22);
    const client = new SftpClient();
    try {
      try {
        await client.connect({
          host: address, port, username: secrets?.username, password: secrets?.password,
          readyTimeout: this.env.DELIVERY_TIMEOUT_MS, retries: 0, timeout: this.env.DELIVERY_TIMEOUT_MS,
        });
      } catch (error) {
        if (/authentication/i.test(String((error as Error).message))) throw authFailed(where);
        throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
      }
      if (folder !== '.' && (await client.exists(folder)) !== 'd') throw folderMissing(folder, where);
      const final = remoteFile(folder, chunk.fileName);
      const temporary = remoteFile(folder, temporaryName(chunk));
      try {
        await client.put(await open(), temporary);
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

