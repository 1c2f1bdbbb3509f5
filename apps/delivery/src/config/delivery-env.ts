import { IsInt, Max, Min } from 'class-validator';
import { StorageEnv } from '@cae/config';

export class DeliveryEnv extends StorageEnv {
  /** Health and metrics port. */
  @IsInt() @Min(1) @Max(65535) PORT: number = 3103;
}
