import { DeliverySpec, ExportFilter, OutputSpec } from '@cae/contracts';
import { canonicalFingerprint } from '@cae/destination-rules';
import { DestinationSecrets } from '@cae/secrets';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';

export interface ExportSpec {
  name: string;
  filter: ExportFilter;
  output: OutputSpec;
  delivery: DeliverySpec;
}

/** `export-<first 8 characters of the job id>` when the request has no `name`. */
export function defaultExportName(jobId: string): string {
  return `export-${jobId.slice(0, 8)}`;
}

/**
 * Normalises a validated request into the secret-free spec that travels on Kafka.
 * Dates become ISO 8601 UTC. `selected_action_name` and `selected_action_names` together select the union.
 * `showHeader` defaults to true, `compress` and `showAllProperties` to false.
 */
export function toExportSpec(dto: ContactActivityExportDto, jobId: string): ExportSpec {
  const name = dto.name ?? defaultExportName(jobId);
  const actions = [
    ...new Set([...(dto.selected_action_name ? [dto.selected_action_name] : []), ...(dto.selected_action_names ?? [])]),
  ];
  return {
    name,
    filter: {
      timeframeStart: dto.selected_timeframe_start && new Date(dto.selected_timeframe_start).toISOString(),
      timeframeEnd: dto.selected_timeframe_end && new Date(dto.selected_timeframe_end).toISOString(),
      actions: actions.length > 0 ? actions : undefined,
      messageType: dto.selected_message_type,
      messageId: dto.selected_message_id,
      contact: dto.selected_contact,
      audienceKey: dto.selected_audience_key,
    },
    output: {
      format: dto.exportType,
      columns: dto.columnHeaders?.map(({ name: column, label }) => ({ name: column, label })),
      showHeader: dto.showHeader ?? true,
      showAllProperties: dto.showAllProperties ?? false,
      limitRecordsPerFile: dto.limitRecordsPerFile,
      compress: dto.compress ?? false,
      escapeFormulas: dto.escapeFormulas ?? false,
      fileBaseName: name,
    },
    delivery: toDeliverySpec(dto),
  };
}

function toDeliverySpec({ destination }: ContactActivityExportDto): DeliverySpec {
  if (!destination || destination.type === 'aws') return { kind: 'internal' };
  switch (destination.type) {
    case 'sftp':
      return {
        kind: 'sftp',
        server: destination.server,
        port: destination.port,
        path: destination.path,
        hostKeyFingerprint: destination.hostKeyFingerprint && canonicalFingerprint(destination.hostKeyFingerprint)!,
      };
    case 'ftp':
      return {
        kind: 'ftp',
        server: destination.server,
        port: destination.port,
        path: destination.path,
        requireTls: destination.requireTls,
      };
    case 's3':
      return { kind: 's3', bucket: destination.aws_bucket, region: destination.aws_region, path: destination.path };
    case 'gcs':
      return { kind: 'gcs', bucket: destination.gcs_bucket, path: destination.path };
  }
}

/** The secret half of a destination, kept out of the spec; null when there is nothing secret. */
export function toDestinationSecrets({ destination }: ContactActivityExportDto): DestinationSecrets | null {
  if (!destination) return null;
  if (destination.type === 'sftp' || destination.type === 'ftp')
    return { username: destination.username, password: destination.password };
  if (destination.type === 's3')
    return { awsAccessKeyId: destination.aws_access_key_id, awsSecretAccessKey: destination.aws_secret_access_key };
  return null;
}
