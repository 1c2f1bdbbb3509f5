import { HostPolicy, HostRefusedError } from '@cae/host-policy';
import { DeliverySpec } from '@cae/contracts';
import { NonRetriableError } from '@cae/kafka';
import { DestinationSecrets } from '@cae/secrets';
import { checkDestination } from './destination-guard';
import { badPath, unreachable } from './delivery-errors';
import { folderOf } from './destination-paths';

/**
 * Resolves a destination host through the policy, right before connecting, and returns the address to use (a DNS
 * answer that changed since the request cannot slip a private address in). Private: the job fails; unresolvable:
 * retried, then HOST_UNREACHABLE.
 */
export async function resolveHost(hosts: HostPolicy, server: string, where: string): Promise<string> {
  try {
    return await hosts.resolve(server);
  } catch (error) {
    if (error instanceof HostRefusedError && error.reason !== 'unresolvable') {
      throw new NonRetriableError('DESTINATION_HOST_REFUSED', error.message);
    }
    throw unreachable(where);
  }
}

/** Where an SFTP or FTP delivery goes: the checked address, port, folder, and a credential-free label. */
export interface RemoteTarget {
  where: string;
  address: string;
  port: number;
  folder: string;
}

/** Checks the destination (no connection is opened for a bad one), then resolves its host through the policy. */
export async function remoteTarget(
  hosts: HostPolicy,
  delivery: DeliverySpec,
  secrets: DestinationSecrets | null,
  scheme: 'sftp' | 'ftp',
  defaultPort: number,
): Promise<RemoteTarget> {
  checkDestination(delivery, secrets);
  const { server = '', port = defaultPort, path } = delivery;
  const where = `${scheme}://${server}:${port}`;
  let folder: string;
  try {
    folder = folderOf(path);
  } catch {
    throw badPath();
  }
  return { where, port, folder, address: await resolveHost(hosts, server, where) };
}
