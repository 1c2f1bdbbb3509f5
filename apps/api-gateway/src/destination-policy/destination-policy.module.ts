import { Module } from '@nestjs/common';
import { BucketDenylist } from '@cae/destination-rules';
import { HostPolicy } from '@cae/host-policy';
import { GatewayEnv } from '../config/gateway-env';

/** Which hosts and buckets a destination may name: the same policy the delivery service applies before connecting. */
@Module({
  providers: [
    {
      provide: HostPolicy,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) =>
        HostPolicy.fromList(env.DESTINATION_HOST_ALLOWLIST, env.DESTINATION_PUBLIC_HOSTS),
    },
    {
      provide: BucketDenylist,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => BucketDenylist.forEnv(env),
    },
  ],
  exports: [HostPolicy, BucketDenylist],
})
export class DestinationPolicyModule {}
