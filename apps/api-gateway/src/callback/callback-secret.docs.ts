import { ApiProperty } from '@nestjs/swagger';

/** The answer of `POST /v2/callback-secret`: the only time the secret is shown. */
export class CallbackSecretIssued {
  @ApiProperty({
    description:
      'The account’s new secret: every completion callback is signed with it (HMAC-SHA256, header `X-Signature`). ' +
      'Shown only in this answer; keep it where your receiver reads it.',
    example: 'cbsec_q3J0y3m1h8V0o2c9bW4kYl7n5s1x6e8t0a2r4g6i8k0',
  })
  secret: string;

  @ApiProperty({ format: 'date-time', description: 'When it was made; it signs every callback sent from now on.' })
  createdAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Until when the secret this one replaced still signs callbacks too (a second `v1=` in `X-Signature`), so a ' +
      'receiver switches over without missing one; `null` when the account had no secret before.',
  })
  previousSecretValidUntil: string | null;
}
