import { IsInt, Max, Min } from 'class-validator';
import { CommonEnv } from '@cae/config';

export class JobsEnv extends CommonEnv {
  /** Health and metrics port. */
  @IsInt() @Min(1) @Max(65535) PORT: number = 3104;
  /** Files kept in internal storage are downloadable for this many days after delivery. */
  @IsInt() @Min(1) @Max(3650) FILE_RETENTION_DAYS: number = 30;
}
