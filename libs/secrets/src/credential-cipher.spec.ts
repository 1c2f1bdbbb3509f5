import { randomBytes } from 'node:crypto';
import { CredentialCipher, isValidKey, parseKeyList, SealedValueError } from './credential-cipher';

describe(CredentialCipher.name, () => {
  const key = randomBytes(32).toString('hex');
  const sut = new CredentialCipher(key);

  it('round-trips and never shows the plaintext', () => {
    const sealed = sut.seal('{"password":"hunter2"}', 'job-1');
    expect(sealed).not.toContain('hunter2');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sut.open(sealed, 'job-1')).toBe('{"password":"hunter2"}');
    expect(sut.seal('same', 'job-1')).not.toBe(sut.seal('same', 'job-1'));
  });

  it('refuses another job, another key and tampering', () => {
    const sealed = sut.seal('secret', 'job-1');
    expect(() => sut.open(sealed, 'job-2')).toThrow(SealedValueError);
    expect(() => new CredentialCipher(randomBytes(32).toString('base64')).open(sealed, 'job-1')).toThrow(
      SealedValueError,
    );
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3], 'base64url').toString('latin1')).toString('base64url');
    expect(() => sut.open(parts.join('.'), 'job-1')).toThrow(SealedValueError);
    expect(() => sut.open('garbage', 'job-1')).toThrow(SealedValueError);
  });

  it('opens values sealed before a rotation with the previous key, and seals with the new one only', () => {
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('hex');
    const before = new CredentialCipher(oldKey).seal('{"password":"p"}', 'job-1');
    const rotated = new CredentialCipher(newKey, parseKeyList(` ${oldKey} ,`));
    expect(rotated.open(before, 'job-1')).toBe('{"password":"p"}');
    const after = rotated.seal('{"password":"q"}', 'job-2');
    expect(() => new CredentialCipher(oldKey).open(after, 'job-2')).toThrow(SealedValueError);
    expect(new CredentialCipher(newKey).open(after, 'job-2')).toBe('{"password":"q"}');
    // Once the previous key is dropped, the old values no longer open.
    expect(() => new CredentialCipher(newKey).open(before, 'job-1')).toThrow(SealedValueError);
  });

  it('accepts only 32-byte keys', () => {
    expect(isValidKey(key)).toBe(true);
    expect(isValidKey(randomBytes(32).toString('base64'))).toBe(true);
    expect(isValidKey('short')).toBe(false);
    expect(isValidKey(randomBytes(16).toString('hex'))).toBe(false);
  });
});
