import { Injectable } from '@nestjs/common';
import { DestinationKind } from '@cae/contracts';
import { Destination } from './destination';
import { FtpDestination } from './ftp.destination';
import { GcsDestination } from './gcs.destination';
import { InternalStorageDestination } from './internal-storage.destination';
import { S3Destination } from './s3.destination';
import { SftpDestination } from './sftp.destination';

/** Picks the destination implementation for a delivery kind. */
@Injectable()
export class DestinationRegistry {
  private readonly byKind: Record<DestinationKind, Destination>;

  constructor(
    internal: InternalStorageDestination,
    sftp: SftpDestination,
    ftp: FtpDestination,
    s3: S3Destination,
    gcs: GcsDestination,
  ) {
    this.byKind = { internal, sftp, ftp, s3, gcs };
  }

  for(kind: DestinationKind): Destination {
    return this.byKind[kind];
  }
}
