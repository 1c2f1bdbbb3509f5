import { HostPolicy, HostRefusedError } from '@cae/host-policy';
import { NonRetriableError } from '@cae/kafka';
import { unreachable } from './delivery-errors';

/**
 * Resolves a destination host through the policy, right before connecting, and returns the address to use (a DNS
 * answer that changed since the request cannot slip a private address in). Private: the job fails; unresolvable:
 * retried, then HOST_UNREACHABLE.
 */
export async function resolveHost(hosts: HostPolicy, server: string, where: string): Promise<string> {
  try {
    return await hosts.resolve(server);
  } catch (error) {
    if (error instanceof HostRefusedError && error.reason === 'private-address') {
      throw new NonRetriableError('DESTINATION_HOST_REFUSED', error.message);
    }
    throw unreachable(where);
  }
}
