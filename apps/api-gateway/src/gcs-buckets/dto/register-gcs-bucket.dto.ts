import { IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { gcsBucketNameProblem } from '@cae/destination-rules';
import { FollowsRule } from '../../exports/dto/rule.validator';

/** Body of `POST /v2/destinations/gcs-buckets`. */
export class RegisterGcsBucketDto {
  @ApiProperty({
    description:
      'Name of the GCS bucket, by Google’s naming rules. The platform’s own buckets are refused ' +
      '(`DESTINATION_BUCKET_REFUSED`).',
    example: 'bucketname',
  })
  @IsString()
  @FollowsRule(gcsBucketNameProblem)
  bucket: string;
}
