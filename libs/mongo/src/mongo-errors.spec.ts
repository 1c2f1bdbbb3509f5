import { MongoServerError } from 'mongodb';
import { isDuplicateKey } from './mongo-errors';

describe(isDuplicateKey.name, () => {
  it('recognises only duplicate-key errors', () => {
    expect(isDuplicateKey(new MongoServerError({ code: 11000, errmsg: 'E11000' }))).toBe(true);
    expect(isDuplicateKey(new MongoServerError({ code: 2, errmsg: 'bad' }))).toBe(false);
    expect(isDuplicateKey(new Error('x'))).toBe(false);
  });
});
