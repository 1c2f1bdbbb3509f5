import { IsString } from 'class-validator';
import { gcsBucketNameProblem } from '@cae/destination-rules';
import { FollowsRule } from '../../exports/dto/rule.validator';

/** Body of `POST /v2/destinations/gcs-buckets`. */
export class RegisterGcsBucketDto {
  @IsString()
  @FollowsRule(gcsBucketNameProblem)
  bucket: string;
}
