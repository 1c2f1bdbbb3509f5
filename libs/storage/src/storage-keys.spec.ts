import { internalFileKey, internalFilesPrefix, stagingKey, stagingPrefix } from './storage-keys';

describe('storage keys', () => {
  it('are deterministic and keep accounts apart', () => {
    expect(stagingKey('j1', 'a.csv')).toBe('staging/j1/a.csv');
    expect(internalFileKey('acc', 'j1', 'a.csv')).toBe('accounts/acc/jobs/j1/a.csv');
    expect(internalFileKey('../other', 'j1', 'a.csv')).toBe('accounts/..%2Fother/jobs/j1/a.csv');
  });

  it("have a job's folder as their prefix, which no other job's key starts with", () => {
    expect(stagingKey('j1', 'a.csv').startsWith(stagingPrefix('j1'))).toBe(true);
    expect(stagingKey('j10', 'a.csv').startsWith(stagingPrefix('j1'))).toBe(false);
    expect(internalFileKey('acc', 'j1', 'a.csv').startsWith(internalFilesPrefix('acc', 'j1'))).toBe(true);
    expect(internalFileKey('acc', 'j10', 'a.csv').startsWith(internalFilesPrefix('acc', 'j1'))).toBe(false);
  });
});
