import { Test } from '@nestjs/testing';
import { CallbackSecretStore } from '@cae/secrets';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { GatewayEnv } from '../config/gateway-env';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ApiError } from '../http/api-error';
import { buildApiDocument } from '../http/api-docs';
import { CallbackSecretController } from './callback-secret.controller';

const issued = {
  secret: 'cbsec_abc',
  createdAt: new Date('2024-05-01T10:00:00Z'),
  previousSecretValidUntil: new Date('2024-05-02T10:00:00Z'),
};

function setup() {
  const secrets = { issue: jest.fn(async () => issued) };
  return { sut: new CallbackSecretController(secrets as unknown as CallbackSecretStore), secrets };
}

describe(CallbackSecretController.name, () => {
  it('issues the secret of the caller’s account and answers it once, as ISO dates', async () => {
    const { sut, secrets } = setup();
    expect(await sut.issue('acc', { body: {} } as never)).toEqual({
      secret: 'cbsec_abc',
      createdAt: '2024-05-01T10:00:00.000Z',
      previousSecretValidUntil: '2024-05-02T10:00:00.000Z',
    });
    expect(secrets.issue).toHaveBeenCalledWith('acc');
    await sut.issue('acc', { body: undefined } as never);
    expect(secrets.issue).toHaveBeenCalledTimes(2);
  });

  it.each([[{ rotate: true }], [[]], ['text'], [null]])(
    'refuses a body with anything in it (%j), issuing nothing',
    async (body) => {
      const { sut, secrets } = setup();
      const error = await sut.issue('acc', { body } as never).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).getResponse()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(secrets.issue).not.toHaveBeenCalled();
    },
  );

  it('documents exactly the fields it answers, and that the answer is not to be cached', async () => {
    // Stubs for what the controller and its guards are built with: the document is read from the decorators.
    const dependencies = [CallbackSecretController, ApiKeyGuard, RateLimitGuard].flatMap(
      (type) => (Reflect.getMetadata('design:paramtypes', type) as unknown[] | undefined) ?? [],
    );
    const moduleRef = await Test.createTestingModule({
      controllers: [CallbackSecretController],
      providers: [...new Set(dependencies)].map((token) => ({
        provide: token as never,
        useValue: token === GatewayEnv ? { RATE_LIMIT_BURST: 1, RATE_LIMIT_PER_SECOND: 1 } : {},
      })),
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    const document = buildApiDocument(app);
    await app.close();
    const operation = document.paths['/v2/callback-secret']?.post;
    expect(operation?.operationId).toBe('issueCallbackSecret');
    const schema = document.components!.schemas!.CallbackSecretIssued as { properties: object; required: string[] };
    const answer = await setup().sut.issue('acc', { body: {} } as never);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(answer).sort());
    expect(schema.required.sort()).toEqual(Object.keys(answer).sort());
    expect(Reflect.getMetadata('__headers__', CallbackSecretController.prototype.issue)).toEqual([
      { name: 'Cache-Control', value: 'no-store' },
    ]);
  });
});
