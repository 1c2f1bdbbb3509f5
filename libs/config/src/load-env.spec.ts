import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { CommonEnv } from './common-env';
import { InvalidEnvironmentError, loadEnv, toFileMode } from './load-env';

class SutEnv extends CommonEnv {
  @IsInt() @Min(1) PORT: number = 3000;
  @Transform(toFileMode) @IsInt() @Max(0o777) MODE: number = 0o640;
}

describe(loadEnv.name, () => {
  it('applies defaults', () => {
    const sut = loadEnv(SutEnv, {});
    expect(sut.PORT).toBe(3000);
    expect(sut.KAFKA_CREATE_TOPICS).toBe(true);
    expect(sut.MONGODB_URI).toBe('mongodb://127.0.0.1:27017/cordial');
  });

  it('converts numbers and booleans', () => {
    const sut = loadEnv(SutEnv, { PORT: '8080', KAFKA_CREATE_TOPICS: 'false' });
    expect(sut.PORT).toBe(8080);
    expect(sut.KAFKA_CREATE_TOPICS).toBe(false);
  });

  it('reads file modes as octal', () => {
    expect(loadEnv(SutEnv, {}).MODE).toBe(0o640);
    expect(loadEnv(SutEnv, { MODE: '644' }).MODE).toBe(0o644);
    expect(loadEnv(SutEnv, { MODE: '0600' }).MODE).toBe(0o600);
    expect(() => loadEnv(SutEnv, { MODE: '999' })).toThrow(InvalidEnvironmentError);
  });

  it('lists every bad variable', () => {
    expect(() => loadEnv(SutEnv, { PORT: '0', KAFKA_BROKERS: 'nope', MONGODB_URI: 'http://x' })).toThrow(
      InvalidEnvironmentError,
    );
    try {
      loadEnv(SutEnv, { PORT: '0', KAFKA_BROKERS: 'nope', MONGODB_URI: 'http://x' });
    } catch (error) {
      const text = (error as Error).message;
      expect(text).toMatch(/PORT/);
      expect(text).toMatch(/KAFKA_BROKERS/);
      expect(text).toMatch(/MONGODB_URI/);
    }
  });
});
