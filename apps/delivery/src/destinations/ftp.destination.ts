import { Injectable, Logger } from '@nestjs/common';
import { Client, FTPError } from 'basic-ftp';
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { HostPolicy } from '@cae/host-policy';
import { NonRetriableError, RetriableError } from '@cae/kafka';
import { ChunkStagedValue } from '@cae/contracts';
import { DestinationSecrets } from '@cae/secrets';
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
import { temporaryName } from './destination-paths';
import { passiveToControlHost } from './ftp-passive';
import { remoteTarget } from './resolve-host';

/** TLS errors of a certificate that does not verify (unknown issuer, expired, wrong name, self-signed). */
const CERTIFICATE_ERROR = /certificate|self[- ]signed|UNABLE_TO|ERR_TLS_CERT|hostname|altname|CERT_/i;

/**
 * FTP (passive mode, data connections only to the server logged in to). Explicit TLS (`AUTH TLS`, then `PROT P`
 * for data) whenever the server offers it, so the password and the files do not cross the network in clear; with
 * `requireTls`, a server without TLS or with a certificate that does not verify is refused before the user name
 * is sent. Uploads to a hidden temporary name in the target folder, then renames it over the final name: a
 * reader never sees a partial file.
 */
@Injectable()
export class FtpDestination implements Destination {
  private readonly logger = new Logger(FtpDestination.name);

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
      await this.logIn(client, { address, port, where }, chunk, secrets);
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
        if (error instanceof FTPError && (error.code === 553 || error.code === 550))
          throw permissionDenied(chunk.fileName, where);
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

  /**
   * Connects, switches to TLS when offered (or required), then logs in: the credentials never go before TLS.
   * Without requireTls, a server whose TLS cannot be negotiated (an old protocol version, a broken setup) is
   * reconnected to and used in clear, as it was before TLS was tried: opportunistic TLS must not lock a customer
   * out of a server that works.
   */
  private async logIn(
    client: Client,
    target: { address: string; port: number; where: string },
    chunk: Pick<ChunkStagedValue, 'jobId' | 'accountId' | 'chunkIndex' | 'delivery'>,
    secrets: DestinationSecrets | null,
  ): Promise<void> {
    const { where } = target;
    const { delivery } = chunk;
    const connect = async () => {
      try {
        await client.connect(target.address, target.port);
      } catch (error) {
        throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
      }
    };
    await connect();
    const features = await client.sendIgnoringError('FEAT');
    // With requireTls, AUTH TLS is tried even when FEAT does not list it (some servers support it unannounced).
    const offersTls = /^\s*AUTH\s.*\bTLS\b/im.test(features.message);
    if (offersTls || delivery.requireTls) {
      const server = (delivery.server ?? target.address).replace(/^\[(.*)\]$/, '$1');
      const secured = await this.startTls(client, where, server, delivery.requireTls === true);
      if (secured === 'handshake-failed') {
        this.logger.warn({
          message: 'TLS could not be negotiated; delivering in clear',
          jobId: chunk.jobId,
          accountId: chunk.accountId,
          chunk: chunk.chunkIndex,
          where,
        });
        await connect();
      }
    }
    try {
      await client.sendIgnoringError('OPTS UTF8 ON');
      await client.login(secrets?.username, secrets?.password);
      await client.useDefaultSettings();
    } catch (error) {
      if (error instanceof FTPError && error.code === 530) throw authFailed(where);
      throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
    }
  }

  private async startTls(
    client: Client,
    where: string,
    server: string,
    required: boolean,
  ): Promise<'secured' | 'refused' | 'handshake-failed'> {
    try {
      await client.useTLS({
        host: server,
        servername: isIP(server) ? undefined : server,
        minVersion: 'TLSv1.2',
        // Without requireTls, TLS is opportunistic: it hides the password and files from anyone listening, and a
        // certificate that does not verify is accepted (most FTP servers have self-signed ones).
        rejectUnauthorized: required,
      });
      return 'secured';
    } catch (error) {
      // The server announced TLS, then refused AUTH TLS: go on in clear unless TLS is required.
      if (error instanceof FTPError && !required) return 'refused';
      if (error instanceof FTPError)
        throw new NonRetriableError(
          'TLS_REQUIRED',
          `${where} does not accept TLS (AUTH TLS) and requireTls is set; the credentials were not sent`,
        );
      if (required && CERTIFICATE_ERROR.test(String((error as Error).message ?? error))) {
        throw new NonRetriableError(
          'TLS_CERTIFICATE_INVALID',
          `${where} presented a TLS certificate that does not verify for ${server}; the credentials were not sent`,
        );
      }
      if (required) throw isNetworkFailure(error) ? unreachable(where) : transferFailed(where);
      client.close();
      return 'handshake-failed';
    }
  }
}
