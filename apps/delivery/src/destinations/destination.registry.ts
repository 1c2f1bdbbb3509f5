import { Injectable } from '@nestjs/common';
import { DestinationKind } from '@cae/contracts';
import { NonRetriableError } from '@cae/kafka';
import { Destination } from './destination';
import { InternalStorageDestination } from './internal-storage.destination';

/** Picks the destination implementation for a delivery kind. */
@Injectable()
export class DestinationRegistry {
  private readonly byKind: Partial<Record<DestinationKind, Destination>>;

  constructor(internal: InternalStorageDestination) {
    this.byKind = { internal };
  }

  for(kind: DestinationKind): Destination {
    const destination = this.byKind[kind];
    if (!destination) throw new NonRetriableError('DESTINATION_NOT_SUPPORTED', `destination type ${kind} is not supported yet`);
    return destination;
  }
}
