import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { StorageEnv } from '@cae/config';

export class JobsEnv extends StorageEnv {
  /** Health and metrics port. */
  @IsInt() @Min(1) @Max(65535) PORT: number = 3104;
  /** Files kept in internal storage are downloadable for this many days after delivery. */
  @IsInt() @Min(1) @Max(3650) FILE_RETENTION_DAYS: number = 30;
  /** How often expired files are removed from internal storage. */
  @IsInt() @Min(100) SWEEP_INTERVAL_MS: number = 60_000;
  /** SMTP relay for `confirmEmail` notices, e.g. smtp://user:pass@relay:587. */
  @Matches(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' }) SMTP_URL: string = 'smtp://127.0.0.1:1025';
  @IsString() MAIL_FROM: string = 'Contact activity export <exports@localhost>';
  /** Base URL of the API as users reach it, for download links in notices. */
  @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' }) PUBLIC_BASE_URL: string = 'http://127.0.0.1:3000';
  /** How often pending notices are looked for. */
  @IsInt() @Min(100) NOTIFY_INTERVAL_MS: number = 2_000;
}
