import { canonicalJson, RequestFingerprints } from './request-fingerprint';

const KEY = 'ab'.repeat(32);

describe(canonicalJson.name, () => {
  it('sorts the keys of every object and keeps the order of arrays', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });

  it('drops undefined fields, as a JSON body never has them', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });
});

describe(RequestFingerprints.name, () => {
  const sut = new RequestFingerprints(KEY);

  it('is the same for the same request in any key order, and differs for any other value', () => {
    const one = sut.of({ exportType: 'csv', destination: { type: 'sftp', password: 'p', port: 22 } });
    const same = sut.of({ destination: { port: 22, password: 'p', type: 'sftp' }, exportType: 'csv' });
    const other = sut.of({ exportType: 'csv', destination: { type: 'sftp', password: 'q', port: 22 } });
    expect(same).toEqual(one);
    expect(other.value).not.toBe(one.value);
    expect(one.value).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is keyed: another credentials key gives other fingerprints (a stored one cannot be used to test guesses)', () => {
    const other = new RequestFingerprints('cd'.repeat(32));
    expect(other.of({ a: 1 }).value).not.toBe(sut.of({ a: 1 }).value);
    expect(other.keyId).not.toBe(sut.keyId);
    expect(new RequestFingerprints(KEY).keyId).toBe(sut.keyId);
  });
});
