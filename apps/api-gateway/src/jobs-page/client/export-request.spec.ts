import { ContactActivityExportDto } from '../../exports/dto/contact-activity-export.dto';
import { REFERENCE_EXAMPLES } from '../../exports/reference-examples';
import { ApiError } from '../../http/api-error';
import { BodyShapePipe, strictValidationPipe } from '../../http/validation.pipe';
import {
  FormEntries,
  newIdempotencyKey,
  toExportRequest,
  toFormEntries,
  toOffsetTimestamp,
  toUtcLocalValue,
} from './export-request';

/** The body as the gateway's own pipes see it: the DTO, or the API's VALIDATION_FAILED fields. */
async function validate(body: unknown): Promise<{ ok: true } | { ok: false; fields: unknown }> {
  let value = body;
  try {
    for (const pipe of [new BodyShapePipe(), strictValidationPipe()]) {
      value = await pipe.transform(value, { type: 'body', metatype: ContactActivityExportDto, data: undefined });
    }
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { ok: false, fields: (error.getResponse() as { fields?: unknown }).fields };
  }
}

/** Flags at the API's defaults say nothing: the form leaves them out, so a comparison does too. */
function withoutDefaults(request: Record<string, unknown>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {
    showHeader: true,
    compress: false,
    showAllProperties: false,
    escapeFormulas: false,
  };
  return Object.fromEntries(Object.entries(request).filter(([field, value]) => defaults[field] !== value));
}

describe('export request', () => {
  describe(toOffsetTimestamp.name, () => {
    it('gives a datetime-local value the offset and the milliseconds the API wants', () => {
      expect(toOffsetTimestamp('2019-03-24T00:00', 'UTC')).toBe('2019-03-24T00:00:00.000Z');
      expect(toOffsetTimestamp('2019-03-25T23:59:59', 'UTC')).toBe('2019-03-25T23:59:59.000Z');
      expect(toOffsetTimestamp('2019-03-25T23:59:59.999', 'UTC')).toBe('2019-03-25T23:59:59.999Z');
      expect(toOffsetTimestamp('2019-03-25T23:59:59.5', 'UTC')).toBe('2019-03-25T23:59:59.500Z');
    });

    it('reads a local time with the offset the browser has at that date (summer time included)', () => {
      const berlin = (_y: number, month: number) => (month >= 4 && month <= 9 ? 120 : 60);
      expect(toOffsetTimestamp('2019-07-01T08:00', 'local', berlin)).toBe('2019-07-01T08:00:00.000+02:00');
      expect(toOffsetTimestamp('2019-01-01T08:00', 'local', berlin)).toBe('2019-01-01T08:00:00.000+01:00');
      expect(toOffsetTimestamp('2019-01-01T08:00', 'local', () => -330)).toBe('2019-01-01T08:00:00.000-05:30');
      expect(toOffsetTimestamp('2019-01-01T08:00', 'local', () => 0)).toBe('2019-01-01T08:00:00.000+00:00');
    });

    it('leaves anything else as typed, for the API to refuse in its own words', () => {
      expect(toOffsetTimestamp('2019-03-24', 'UTC')).toBe('2019-03-24');
      expect(toOffsetTimestamp('yesterday', 'UTC')).toBe('yesterday');
    });

    it('shows an API timestamp as the same instant in UTC', () => {
      expect(toUtcLocalValue('2019-03-24T02:00:00.000+02:00')).toBe('2019-03-24T00:00:00.000');
      expect(toUtcLocalValue('junk')).toBe('');
    });
  });

  describe(toExportRequest.name, () => {
    it('leaves out empty fields and flags at their defaults', () => {
      const entries: FormEntries = {
        timeZone: 'UTC',
        name: '',
        exportType: 'csv',
        selected_timeframe_start: '',
        selected_action_names: [],
        showHeader: true,
        compress: false,
        limitRecordsPerFile: '',
        'destination.type': 'aws',
      };
      expect(toExportRequest(entries)).toEqual({ exportType: 'csv', destination: { type: 'aws' } });
    });

    it('turns every kind of control into its JSON value', () => {
      const body = toExportRequest({
        timeZone: 'UTC',
        name: 'march',
        exportType: 'JSON',
        selected_timeframe_start: '2019-03-24T00:00',
        selected_timeframe_end: '2019-03-25T23:59:59.999',
        selected_action_names: ['open', 'click'],
        showHeader: false,
        compress: true,
        limitRecordsPerFile: '500000',
        'destination.type': 'sftp',
        'destination.port': '2222',
        'destination.server': '127.0.0.1',
        'columnHeaders.1.name': 'cID',
        'columnHeaders.1.label': 'Contact',
        'columnHeaders.0.name': 'email',
        'columnHeaders.0.label': 'Email',
      });
      expect(body).toEqual({
        name: 'march',
        exportType: 'json',
        selected_timeframe_start: '2019-03-24T00:00:00.000Z',
        selected_timeframe_end: '2019-03-25T23:59:59.999Z',
        selected_action_names: ['open', 'click'],
        showHeader: false,
        compress: true,
        limitRecordsPerFile: 500000,
        destination: { type: 'sftp', port: 2222, server: '127.0.0.1' },
        columnHeaders: [
          { name: 'email', label: 'Email' },
          { name: 'cID', label: 'Contact' },
        ],
      });
    });

    it('keeps rows in their order past the tenth, and half-filled rows where they are', () => {
      const entries: FormEntries = {};
      for (let row = 0; row < 12; row++) {
        entries[`columnHeaders.${row}.name`] = row === 4 ? '' : `f${row}`;
        entries[`columnHeaders.${row}.label`] = `L${row}`;
      }
      const columns = toExportRequest(entries).columnHeaders as { name: string; label: string }[];
      expect(columns.map((column) => column.label)).toEqual(Array.from({ length: 12 }, (_, row) => `L${row}`));
      expect(columns[4]).toEqual({ name: '', label: 'L4' });
    });

    it('sends a number typed wrong as it was typed, so that the API names the problem', async () => {
      const body = toExportRequest({ exportType: 'csv', limitRecordsPerFile: '1e3' });
      expect(body.limitRecordsPerFile).toBe('1e3');
      expect(await validate(body)).toEqual({
        ok: false,
        fields: [{ field: 'limitRecordsPerFile', reasons: expect.arrayContaining([expect.stringMatching(/integer/)]) }],
      });
    });

    it('makes a body the gateway accepts from a form with every kind of field filled in', async () => {
      const body = toExportRequest({
        timeZone: 'local',
        name: 'everything_1',
        exportType: 'csv',
        selected_timeframe_start: '2019-03-24T00:00',
        selected_timeframe_end: '2019-03-25T23:59:59.999',
        selected_action_name: 'bounce',
        selected_action_names: ['open', 'custom'],
        selected_message_type: 'batch',
        selected_message_id: '45:5a7d2a3cc7280b410:ot',
        selected_contact: 'email@example.com',
        showAllProperties: true,
        showHeader: false,
        limitRecordsPerFile: '1000',
        compress: true,
        escapeFormulas: true,
        confirmEmail: 'msmith@example.com',
        'destination.type': 'sftp',
        'destination.server': 'sftp.example.com',
        'destination.port': '22',
        'destination.username': 'user',
        'destination.password': 'secret',
        'destination.path': '/upload',
        'destination.hostKeyFingerprint': 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
        'columnHeaders.0.name': 'email',
        'columnHeaders.0.label': 'Email',
        'columnHeaders.1.name': 'system_properties.bt',
        'columnHeaders.1.label': 'Bounce type',
      });
      expect(await validate(body)).toEqual({ ok: true });
    });
  });

  describe(toFormEntries.name, () => {
    it.each(Object.entries(REFERENCE_EXAMPLES))(
      'fills the form with the reference example %s, as it was',
      (_, example) => {
        const request = example.value as Record<string, unknown>;
        expect(toExportRequest(toFormEntries(request))).toEqual(withoutDefaults(request));
      },
    );

    it('leaves redacted secrets empty, to be typed again, and reads any case of the type', () => {
      const entries = toFormEntries({
        exportType: 'CSV',
        destination: {
          type: 'S3',
          aws_access_key_id: '[REDACTED]',
          aws_secret_access_key: '[REDACTED]',
          aws_bucket: 'b',
        },
        callbackUrl: 'https://hooks.example.com/[REDACTED]',
      });
      expect(entries).toMatchObject({
        exportType: 'csv',
        callbackUrl: '',
        'destination.type': 's3',
        'destination.aws_access_key_id': '',
        'destination.aws_secret_access_key': '',
        'destination.aws_bucket': 'b',
      });
    });

    it('shows a timeframe with another offset as the same instant in UTC', () => {
      const entries = toFormEntries({ selected_timeframe_start: '2019-03-24T02:00:00.000+02:00' });
      expect(entries).toMatchObject({ timeZone: 'UTC', selected_timeframe_start: '2019-03-24T00:00:00.000' });
      expect(toExportRequest(entries).selected_timeframe_start).toBe('2019-03-24T00:00:00.000Z');
    });
  });

  it('makes Idempotency-Keys the gateway accepts, a new one each time', () => {
    const keys = new Set(Array.from({ length: 50 }, newIdempotencyKey));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });
});
