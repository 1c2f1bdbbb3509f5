import { HostPolicy } from '@cae/host-policy';
import { CallbackSecretStore, CredentialCipher } from '@cae/secrets';
import { ContactActivityExportDto } from '../exports/dto/contact-activity-export.dto';
import { ApiError } from '../http/api-error';
import { BodyShapePipe, strictValidationPipe } from '../http/validation.pipe';
import { CallbackRequestPolicy, callbackOf } from './callback-request.policy';

const CIPHER = new CredentialCipher('33'.repeat(32));

/** The policy with an account that has a secret (or not), and the host policy of production or of a stack. */
function setup(hosts = new HostPolicy([]), hasSecret = true) {
  const secrets = { exists: jest.fn(async () => hasSecret) };
  return { sut: new CallbackRequestPolicy(hosts, secrets as unknown as CallbackSecretStore, CIPHER), secrets };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string; fields?: unknown }> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  const answer = (error as ApiError).getResponse() as { statusCode: number; code: string; fields?: unknown };
  return { status: answer.statusCode, code: answer.code, fields: answer.fields };
}

// Only addresses are given to the policy here, and one name under .invalid (reserved: it never resolves): nothing
// is ever connected to.
describe(CallbackRequestPolicy.name, () => {
  it.each([
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://172.16.0.9/hook',
    'https://192.168.1.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    // Legacy spellings of 127.0.0.1, which the URL parser turns into the address itself.
    'https://2130706433/hook',
    'https://0x7f.1/hook',
    'https://127.1/hook',
  ])('refuses the private or reserved host of %s', async (url) => {
    const { sut, secrets } = setup();
    expect(await refusal(sut.check('acc', url))).toEqual({
      status: 400,
      code: 'CALLBACK_HOST_REFUSED',
      fields: [{ field: 'callbackUrl', reasons: [expect.stringMatching(/private or reserved address/)] }],
    });
    expect(secrets.exists).not.toHaveBeenCalled();
  });

  it.each([
    ['IPv4-mapped', '[::ffff:127.0.0.1]'],
    ['IPv4-mapped, hex', '[::ffff:7f00:1]'],
    ['IPv4-compatible', '[::127.0.0.1]'],
    ['SIIT', '[::ffff:0:127.0.0.1]'],
    ['NAT64', '[64:ff9b::7f00:1]'],
    ['6to4', '[2002:7f00:1::1]'],
    ['Teredo', '[2001:0:4136:e378:8000:63bf:80ff:fffe]'],
  ])('refuses an IPv6 form that carries 127.0.0.1 (%s)', async (_form, host) => {
    expect(await refusal(setup().sut.check('acc', `https://${host}:8443/hook`))).toMatchObject({
      code: 'CALLBACK_HOST_REFUSED',
    });
  });

  it('with the test stacks’ allow-list (127.0.0.1 only, no public hosts): 127.0.0.1 passes, its neighbours do not', async () => {
    const { sut } = setup(HostPolicy.fromList('127.0.0.1/32', false));
    await expect(sut.check('acc', 'https://127.0.0.1:4443/hook')).resolves.toBeUndefined();
    for (const host of ['127.0.0.2', '[::127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::1]', '10.0.0.1']) {
      expect(await refusal(sut.check('acc', `https://${host}/hook`))).toMatchObject({ code: 'CALLBACK_HOST_REFUSED' });
    }
    // A public address is outside an allow-list-only policy too.
    expect(await refusal(sut.check('acc', 'https://93.184.216.34/hook'))).toMatchObject({
      code: 'CALLBACK_HOST_REFUSED',
      fields: [{ field: 'callbackUrl', reasons: [expect.stringMatching(/not in this installation's allow-list/)] }],
    });
  });

  it('accepts an allow-listed private host, a public address, and a name that does not resolve yet', async () => {
    await expect(
      setup(HostPolicy.fromList('10.0.0.5')).sut.check('acc', 'https://10.0.0.5/hook'),
    ).resolves.toBeUndefined();
    await expect(setup().sut.check('acc', 'https://93.184.216.34/hook')).resolves.toBeUndefined();
    await expect(setup().sut.check('acc', 'https://hooks.example.invalid/hook')).resolves.toBeUndefined();
  });

  it('refuses a URL that is not https or carries credentials (the DTO refuses them first)', async () => {
    for (const url of ['http://93.184.216.34/hook', 'https://user:pw@93.184.216.34/hook']) {
      expect(await refusal(setup().sut.check('acc', url))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('refuses a callback when the account has no secret to sign it with', async () => {
    const { sut, secrets } = setup(new HostPolicy([]), false);
    expect(await refusal(sut.check('acc', 'https://93.184.216.34/hook'))).toMatchObject({
      status: 400,
      code: 'CALLBACK_SECRET_MISSING',
    });
    expect(secrets.exists).toHaveBeenCalledWith('acc');
  });
});

describe(callbackOf.name, () => {
  const seal = (url: string) => `sealed:${url}`;
  it('marks the job for a callback with a fresh event id and the URL sealed, and nothing without a callbackUrl', () => {
    const first = callbackOf('https://hooks.example.com/x', seal);
    expect(first).toEqual({
      callback: {
        state: 'pending',
        eventId: expect.any(String),
        attempts: 0,
        sealedUrl: 'sealed:https://hooks.example.com/x',
      },
    });
    expect(callbackOf('https://hooks.example.com/x', seal).callback!.eventId).not.toBe(first.callback!.eventId);
    expect(callbackOf(undefined, seal)).toEqual({});
    expect(callbackOf(null, seal)).toEqual({});
  });

  it('seals the URL for its job: it opens for that job only', () => {
    const { sut } = setup();
    const { callback } = sut.pendingCallback('job-1', 'https://hooks.example.com/hooks/t0k3n?x=1');
    expect(callback!.sealedUrl).not.toContain('t0k3n');
    expect(CIPHER.open(callback!.sealedUrl!, 'job-1')).toBe('https://hooks.example.com/hooks/t0k3n?x=1');
    expect(() => CIPHER.open(callback!.sealedUrl!, 'job-2')).toThrow();
  });
});

describe('the callbackUrl field of the export body', () => {
  async function validate(body: Record<string, unknown>) {
    let value: unknown = body;
    for (const pipe of [new BodyShapePipe(), strictValidationPipe()]) {
      value = await pipe.transform(value, { type: 'body', metatype: ContactActivityExportDto, data: undefined });
    }
    return value as ContactActivityExportDto;
  }

  it('is accepted as an https URL, kept as sent', async () => {
    const dto = await validate({ exportType: 'csv', callbackUrl: 'https://hooks.example.com/done?token=a' });
    expect(dto.callbackUrl).toBe('https://hooks.example.com/done?token=a');
  });

  it.each([
    ['http', 'http://hooks.example.com/done', /https/],
    ['a user name', 'https://me@hooks.example.com/done', /user name/],
    ['a line break', 'https://hooks.example.com/\r\nX-Injected: 1', /control/],
    ['not a string', 42, /string/],
  ])('is refused with %s, naming the field', async (_what, callbackUrl, reason) => {
    const refused = await refusal(validate({ exportType: 'csv', callbackUrl }));
    expect(refused).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'callbackUrl', reasons: expect.arrayContaining([expect.stringMatching(reason)]) }],
    });
  });
});
