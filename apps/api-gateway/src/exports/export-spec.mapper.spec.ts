import { plainToInstance } from 'class-transformer';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { toDestinationSecrets, toExportSpec } from './export-spec.mapper';
import { redactedCallbackUrl, redactRequest } from './redact';

const jobId = '12345678-aaaa-4bbb-8ccc-1234567890ab';

describe(toExportSpec.name, () => {
  it('applies documented defaults', () => {
    const sut = toExportSpec(plainToInstance(ContactActivityExportDto, { exportType: 'csv' }), jobId);
    expect(sut.name).toBe('export-12345678');
    expect(sut.output).toMatchObject({
      format: 'csv',
      showHeader: true,
      compress: false,
      showAllProperties: false,
      fileBaseName: 'export-12345678',
    });
    expect(sut.delivery).toEqual({ kind: 'internal' });
    expect(sut.filter.actions).toBeUndefined();
  });

  it('unions both action fields and normalises dates to UTC', () => {
    const sut = toExportSpec(
      plainToInstance(ContactActivityExportDto, {
        exportType: 'json',
        selected_action_name: 'open',
        selected_action_names: ['open', 'click'],
        selected_timeframe_start: '2019-03-24T02:00:00+02:00',
      }),
      jobId,
    );
    expect(sut.filter.actions).toEqual(['open', 'click']);
    expect(sut.filter.timeframeStart).toBe('2019-03-24T00:00:00.000Z');
  });

  it('keeps secrets out of the spec', () => {
    const dto = plainToInstance(ContactActivityExportDto, {
      exportType: 'csv',
      destination: { type: 'sftp', server: 'h', port: 22, username: 'u', password: 'hunter2', path: './' },
    });
    const spec = toExportSpec(dto, jobId);
    expect(JSON.stringify(spec)).not.toContain('hunter2');
    expect(JSON.stringify(spec)).not.toContain('"u"');
    expect(spec.delivery).toEqual({ kind: 'sftp', server: 'h', port: 22, path: './' });
    expect(toDestinationSecrets(dto)).toEqual({ username: 'u', password: 'hunter2' });
  });

  it('splits an S3 destination into spec and secrets', () => {
    const dto = plainToInstance(ContactActivityExportDto, {
      exportType: 'csv',
      destination: {
        type: 's3',
        aws_access_key_id: 'AK',
        aws_secret_access_key: 'SK',
        aws_bucket: 'b',
        aws_region: 'us-west-2',
        path: 'folder',
      },
    });
    expect(toExportSpec(dto, jobId).delivery).toEqual({ kind: 's3', bucket: 'b', region: 'us-west-2', path: 'folder' });
    expect(toDestinationSecrets(dto)).toEqual({ awsAccessKeyId: 'AK', awsSecretAccessKey: 'SK' });
  });
});

describe(redactRequest.name, () => {
  it('replaces every secret field', () => {
    const sut = redactRequest({
      destination: { type: 's3', aws_access_key_id: 'AK', aws_secret_access_key: 'SK', password: 'P' },
    });
    expect(JSON.stringify(sut)).not.toMatch(/"AK"|"SK"|"P"/);
  });

  it("shows a callbackUrl's origin only: a receiver's token may be in its path or query", () => {
    const sut = redactRequest({ exportType: 'csv', callbackUrl: 'https://hooks.example.com:8443/hooks/t0k3n?sig=abc' });
    expect(sut).toEqual({ exportType: 'csv', callbackUrl: 'https://hooks.example.com:8443/[REDACTED]' });
  });
});

describe(redactedCallbackUrl.name, () => {
  it.each([
    ['https://hooks.example.com/hooks/t0k3n', 'https://hooks.example.com/[REDACTED]'],
    ['https://hooks.example.com/?token=t0k3n', 'https://hooks.example.com/[REDACTED]'],
    ['https://hooks.example.com', 'https://hooks.example.com/'],
    ['https://HOOKS.example.com:443/', 'https://hooks.example.com/'],
    ['not a url t0k3n', '[REDACTED]'],
  ])('%s is shown as %s', (url, shown) => {
    expect(redactedCallbackUrl(url)).toBe(shown);
  });
});
