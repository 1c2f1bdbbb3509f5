import { Injectable } from '@nestjs/common';
import { Client, FTPError } from 'basic-ftp';
import { posix } from 'node:path';
import { HostPolicy } from '@cae/host-policy';
import { NonRetriableError, RetriableError } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import { authFailed, folderMissing, isNetworkFailure, permissionDenied, transferFailed, unreachable } from './delivery-errors';
import { DeliveryInput, DeliveryReceipt, Destination } from './destination';
import { temporaryName } from './destination-paths';
import { passiveToControlHost } from './ftp-passive';
import { remoteTarget } from './resolve-host';

/**
 * FTP (passive mode, data connections only to the server logged in to). Uploads to a hidden temporary name in the
 * target folder, then renames it over the final name: a reader never sees a partial file.
 */
@Injectable()
export class FtpDestination implements Destination {
  constructor(
    private readonly hosts: HostPolicy,
    private readonly env: DeliveryEnv,
  ) {}

  async deliver({ chunk, secrets, open }: DeliveryInput): Promise<DeliveryReceipt> {
    const { where, address, port, folder } = await remoteTarget(this.hosts, chunk.delivery, secrets, 'ftp', 21);
    const client = new Client(this.env.DELIVERY_TIMEOUT_MS);
    client.prepareTransfer = passiveToControlHost;
    const temporary = temporaryName(chunk);
    try {
      try {
        await client.access({ host: address, port, user: secrets?.username, password: secrets?.password, secure: false });
      } catch (error) {
        if (error instanceof FTPError && error.code === 530) throw authFailed(where);
        throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
      }
      if (folder !== '.') {
        try {
          await client.cd(folder);
        } catch (error) {
          if (error instanceof FTPError && error.code === 550) throw folderMissing(folder, where);
          throw error;
        }
      }
      try {
        await client.uploadFrom(await open(), temporary);
        await client.rename(temporary, chunk.fileName);
      } catch (error) {
        if (!client.closed) await client.remove(temporary, true).catch(() => undefined);
        if (error instanceof FTPError && (error.code === 553 || error.code === 550)) throw permissionDenied(chunk.fileName, where);
        throw error;
      }
      return { name: chunk.fileName, location: `${where}/${posix.join(folder, chunk.fileName).replace(/^\.?\//, '')}` };
    } catch (error) {
      if (error instanceof NonRetriableError || error instanceof RetriableError) throw error;
      throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
    } finally {
      client.close();
    }
  }
}
