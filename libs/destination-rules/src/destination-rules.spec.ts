import {
  awsRegionProblem,
  BucketDenylist,
  canonicalFingerprint,
  fieldsWithControlCharacters,
  fingerprintOf,
  gcsBucketNameProblem,
  hasControlCharacters,
  remotePathProblem,
  s3BucketNameProblem,
  serverProblem,
} from '.';

describe('destination rules', () => {
  describe(hasControlCharacters.name, () => {
    it.each(['a\rb', 'a\nb', '\u0000', '\u001b[31m', '\u007f', '\u0085', '\u009f', '\t'])(
      'finds a control character in %j',
      (value) => {
        expect(hasControlCharacters(value)).toBe(true);
      },
    );
    it.each(['/upload', 'user@example.com', 'pässwörd ✓', 'a b', '\u00a0'])('finds none in %j', (value) => {
      expect(hasControlCharacters(value)).toBe(false);
    });
    it('names the offending fields', () => {
      expect(fieldsWithControlCharacters({ path: '/x\r\nDELE y', username: 'u', password: 'p\n', port: 21 })).toEqual([
        'path',
        'password',
      ]);
    });
  });

  describe(gcsBucketNameProblem.name, () => {
    it.each(['bucketname', 'my-bucket_2', 'a.b.c', 'abc', `${'a'.repeat(63)}.${'b'.repeat(63)}`, 'example.com'])(
      'accepts %s',
      (name) => {
        expect(gcsBucketNameProblem(name)).toBeNull();
      },
    );
    it.each([
      'victim-bucket/o?predefinedAcl=publicRead&x=',
      'a/../../../storage/v1/b/other',
      'Bucket',
      'ab',
      'a'.repeat(64),
      '-abc',
      'abc-',
      '192.168.5.4',
      'goog-exports',
      'my-google-bucket',
      'my-g00gle-bucket',
      'a..b',
      `a.${'b'.repeat(64)}`,
      'a b',
      'a%2fb',
      '',
      `${'a.'.repeat(111)}a`,
    ])('refuses %j', (name) => {
      expect(gcsBucketNameProblem(name)).toEqual(expect.any(String));
    });
  });

  describe(s3BucketNameProblem.name, () => {
    it.each(['my-bucket', 'my_bucket', 'logs.example.com', 'abc', 'a'.repeat(63)])('accepts %s', (name) => {
      expect(s3BucketNameProblem(name)).toBeNull();
    });
    it.each([
      'MyBucket',
      'ab',
      'a'.repeat(64),
      'bucket/../other',
      'a..b',
      '10.0.0.1',
      'xn--abc',
      'sthree-x',
      'amzn-s3-demo-x',
      'x-s3alias',
      'x--ol-s3',
      'x.mrap',
      'x--x-s3',
      'x--table-s3',
      '-abc',
      'abc.',
      'a?b',
      '',
    ])('refuses %j', (name) => {
      expect(s3BucketNameProblem(name)).toEqual(expect.any(String));
    });
  });

  describe(awsRegionProblem.name, () => {
    it.each([
      'us-west-2',
      'eu-central-1',
      'ap-southeast-4',
      'us-gov-west-1',
      'cn-northwest-1',
      'us-isob-east-1',
      'il-central-1',
    ])('accepts %s', (region) => {
      expect(awsRegionProblem(region)).toBeNull();
    });
    it.each([
      'mars',
      'us-west-2.attacker.example',
      'us-west-2/x',
      'US-WEST-2',
      'us-west',
      'us west 2',
      'us-west-2#',
      '',
    ])('refuses %j', (region) => {
      expect(awsRegionProblem(region)).toEqual(expect.any(String));
    });
  });

  describe(serverProblem.name, () => {
    it.each([
      'sftp.example.com',
      'localhost',
      '127.0.0.1',
      '::1',
      '[::1]',
      '2001:db8::1',
      '[2001:db8::1]',
      'xn--bcher-kva.example',
      'a-b.c1',
      'sftp_01.corp.example',
    ])('accepts %s', (server) => {
      expect(serverProblem(server)).toBeNull();
    });
    it.each([
      ['sftp.example.com:22', /port/],
      ['[::1]:22', /port/],
      ['127.0.0.1:21', /port/],
      ['ftp://ftp.example.com', /scheme/],
      ['ftp.example.com/upload', /path/],
      ['::1%lo', /zone/],
      ['fe80::1%eth0', /zone/],
      ['sftp.example.com.', /dot/],
      ['a b', /spaces/],
      ['bücher.example', /xn--/],
      ['-bad.example', /host name/],
      ['a..b', /host name/],
      ['127.1', /neither/],
      ['0x7f.1', /neither/],
      ['2130706433', /neither/],
      ['[example.com]', /IPv6/],
      ['1:2:3', /IPv6/],
      ['x'.repeat(254), /253/],
    ])('refuses %j with a message that says why', (server, reason) => {
      expect(serverProblem(server)).toMatch(reason);
    });
  });

  describe(canonicalFingerprint.name, () => {
    const valid = `SHA256:${'A1+/'.repeat(10)}abc`;
    it('accepts the ssh-keygen -l form, with or without padding', () => {
      expect(canonicalFingerprint(valid)).toBe(valid);
      expect(canonicalFingerprint(`${valid}=`)).toBe(valid);
    });
    it.each([
      'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48',
      'SHA256:abc',
      `sha256:${'A'.repeat(43)}`,
      `SHA256:${'A'.repeat(44)}`,
      `SHA256:${'-'.repeat(43)}`,
    ])('refuses %j', (text) => {
      expect(canonicalFingerprint(text)).toBeNull();
    });
    it('fingerprints a raw key like ssh-keygen', () => {
      // ssh-keygen -l of an all-zero "key" would print the sha256 of those bytes, base64 without padding.
      expect(fingerprintOf(Buffer.alloc(0))).toBe('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU');
    });
  });

  describe(remotePathProblem.name, () => {
    it.each(['/upload', './', 'folder/file.csv', '/a/.hidden'])('accepts %s', (path) =>
      expect(remotePathProblem(path)).toBeNull(),
    );
    it.each(['../x', '/a/../b', 'a\\..\\b', '..'])('refuses %j', (path) =>
      expect(remotePathProblem(path)).toMatch(/\.\./),
    );
  });
});

describe(BucketDenylist.name, () => {
  const sut = BucketDenylist.of('platform-exports, internal-*,', ['cae-staging', 'cae-files']);

  it.each(['platform-exports', 'PLATFORM-EXPORTS', 'internal-', 'internal-logs', 'cae-staging', 'cae-files'])(
    'denies %s',
    (bucket) => {
      expect(sut.denies(bucket)).toBe(true);
    },
  );
  it.each(['customer-exports', 'platform-exports-2', 'my-internal-x', 'cae-files2'])('allows %s', (bucket) => {
    expect(sut.denies(bucket)).toBe(false);
  });
});
