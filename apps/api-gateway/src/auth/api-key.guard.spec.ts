import { apiKeyFromHeader } from './api-key.guard';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe(apiKeyFromHeader.name, () => {
  it('takes the user name of HTTP Basic as the key', () => {
    expect(apiKeyFromHeader(basic('key123:'))).toBe('key123');
    expect(apiKeyFromHeader(basic('key123'))).toBe('key123');
    expect(apiKeyFromHeader(basic('key123:ignored'))).toBe('key123');
  });

  it('refuses anything else', () => {
    expect(apiKeyFromHeader(undefined)).toBeNull();
    expect(apiKeyFromHeader('Bearer abc')).toBeNull();
    expect(apiKeyFromHeader(basic(':'))).toBeNull();
    expect(apiKeyFromHeader(basic(`${'k'.repeat(300)}:`))).toBeNull();
  });
});
