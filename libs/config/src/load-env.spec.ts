import { IsInt, Min } from 'class-validator';
import { CommonEnv } from './common-env';
import { InvalidEnvironmentError, loadEnv } from './load-env';

class SutEnv extends CommonEnv {
  @IsInt() @Min(1) PORT: number = 3000;
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
