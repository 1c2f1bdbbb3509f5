import { ApiProperty } from '@nestjs/swagger';

/** The answer of `POST /v2/contactactivityexport` (202), as the OpenAPI document shows it. */
export class ExportAccepted {
  @ApiProperty({
    format: 'uuid',
    description: 'Id of the new job; `GET /v2/jobs/{jobId}` (the `Location` header) reads it at once.',
    example: '8c275474-e636-46a5-a139-a8e40af646a3',
  })
  jobId: string;

  @ApiProperty({ description: 'The export’s `name`, or its default.', example: 'activities_batch_march25' })
  name: string;

  @ApiProperty({ enum: ['pending'], description: 'Always `pending`: the job is queued.', example: 'pending' })
  status: string;
}
