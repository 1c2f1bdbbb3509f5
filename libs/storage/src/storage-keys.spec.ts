import { internalFileKey, stagingKey } from './storage-keys';

describe('storage keys', () => {
  it('are deterministic and keep accounts apart', () => {
    expect(stagingKey('j1', 'a.csv')).toBe('staging/j1/a.csv');
    expect(internalFileKey('acc', 'j1', 'a.csv')).toBe('accounts/acc/jobs/j1/a.csv');
    expect(internalFileKey('../other', 'j1', 'a.csv')).toBe('accounts/..%2Fother/jobs/j1/a.csv');
  });
});
