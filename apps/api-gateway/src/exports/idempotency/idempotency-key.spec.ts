import { idempotencyKeyOf } from './idempotency-key';

describe(idempotencyKeyOf.name, () => {
  it.each(['0f8b6a3e-5d2c-4c1e-9a7b-2f3d4e5a6b7c', '01HZX3N2W9', 'order:42.retry~1_a', 'x', 'k'.repeat(255)])(
    'accepts %s',
    (key) => {
      expect(idempotencyKeyOf(key)).toBe(key);
    },
  );

  it('is absent without the header', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
  });

  it.each([
    ['empty', '', 'must be 1 to 255 characters long'],
    ['too long', 'k'.repeat(256), 'must be 1 to 255 characters long'],
    ['with a space', 'my key', 'may contain only'],
    ['with a slash', 'a/b', 'may contain only'],
    ['sent twice (joined by Node)', 'k1, k2', 'may contain only'],
    ['not ASCII', 'clé', 'may contain only'],
  ])('refuses a key %s with a 400 naming the header', (_, key, reason) => {
    expect(() => idempotencyKeyOf(key)).toThrow(
      expect.objectContaining({
        status: 400,
        response: expect.objectContaining({
          code: 'VALIDATION_FAILED',
          fields: [{ field: 'Idempotency-Key', reasons: [expect.stringContaining(reason)] }],
        }),
      }),
    );
  });
});
