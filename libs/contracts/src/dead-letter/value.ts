import { IsInt, IsISO8601, IsOptional, IsString, MaxLength, Min } from 'class-validator';

/** A message that could not be processed, parked with the reason so it never blocks its partition. */
export class DeadLetterValue {
  @IsString() sourceTopic: string;
  @IsInt() @Min(0) partition: number;
  @IsString() offset: string;
  @IsOptional() @IsString() key?: string;
  @IsString() @MaxLength(4000) reason: string;
  /** The original payload, truncated; internal topics never carry secrets, so it is safe to keep. */
  @IsString() payload: string;
  @IsISO8601() at: string;
}
