import { callbackHost, callbackUrlProblem, MAX_CALLBACK_URL_LENGTH } from './callback-url';

describe(callbackUrlProblem.name, () => {
  it.each([
    'https://hooks.example.com/exports',
    'https://hooks.example.com:8443/exports/done?token=abc123&x=1',
    'https://127.0.0.1:4443/hook',
    'https://[2001:4860:4860::8888]/hook',
    'https://bücher.example/hook',
    'https://example.com',
  ])('accepts %s', (url) => {
    expect(callbackUrlProblem(url)).toBeNull();
  });

  it.each([
    ['plain http', 'http://hooks.example.com/exports', /https/],
    ['another scheme', 'ftp://hooks.example.com/exports', /https/],
    ['a relative URL', '/exports/done', /absolute/],
    ['no URL at all', 'hooks.example.com', /absolute/],
    ['a user name', 'https://me@hooks.example.com/', /user name or password/],
    ['a user name and password', 'https://me:secret@hooks.example.com/', /user name or password/],
    ['an empty password', 'https://:secret@hooks.example.com/', /user name or password/],
    ['a fragment', 'https://hooks.example.com/a#b', /fragment/],
    ['an empty fragment', 'https://hooks.example.com/a#', /fragment/],
    ['port 0', 'https://hooks.example.com:0/', /port 0/],
    ['a port out of range', 'https://hooks.example.com:65536/', /absolute/],
    ['a line break the parser would drop', 'https://hooks.exa\nmple.com/', /control/],
    ['a tab', 'https://hooks.example.com/\t', /control/],
    ['a leading space the parser would trim', ' https://hooks.example.com/', /spaces/],
    ['a trailing dot', 'https://hooks.example.com./', /dot/],
    ['a zone id', 'https://[fe80::1%25eth0]/', /absolute/],
    ['too long', `https://hooks.example.com/${'a'.repeat(MAX_CALLBACK_URL_LENGTH)}`, /at most/],
  ])('refuses %s', (_what, url, reason) => {
    expect(callbackUrlProblem(url)).toMatch(reason);
  });
});

describe(callbackHost.name, () => {
  it('gives the host as the policy judges it: canonical, IPv6 without brackets', () => {
    expect(callbackHost(new URL('https://[::ffff:127.0.0.1]:8443/x'))).toBe('::ffff:7f00:1');
    // Legacy spellings of an address are the address itself: judged as such, never as a name.
    expect(callbackHost(new URL('https://0x7f000001/'))).toBe('127.0.0.1');
    expect(callbackHost(new URL('https://2130706433/'))).toBe('127.0.0.1');
    expect(callbackHost(new URL('https://Hooks.Example.COM/'))).toBe('hooks.example.com');
  });
});
