import { ApiProperty } from '@nestjs/swagger';
import { GCS_VERIFICATION_OBJECT } from '@cae/mongo';

/** A registered GCS bucket, as `POST` and `GET /v2/destinations/gcs-buckets` answer it. */
export class GcsBucketRegistration {
  @ApiProperty({ description: 'The bucket.', example: 'bucketname' })
  bucket: string;

  @ApiProperty({
    enum: [GCS_VERIFICATION_OBJECT],
    description: 'The object of the bucket that must hold the token, on a line of its own.',
    example: GCS_VERIFICATION_OBJECT,
  })
  verificationObject: string;

  @ApiProperty({
    description: 'The account’s token for this bucket: random, the same on every registration of the bucket.',
    example: 'cae-verify-5f1d3c0a9b8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5',
  })
  token: string;

  @ApiProperty({ format: 'date-time', description: 'When the bucket was registered.' })
  createdAt: string;

  @ApiProperty({ description: 'What to do before the first export to the bucket, in words.' })
  instructions: string;
}

export class GcsBucketList {
  @ApiProperty({ type: [GcsBucketRegistration], description: 'The account’s registered buckets, by name.' })
  items: GcsBucketRegistration[];
}
