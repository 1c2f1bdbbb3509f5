import { Readiness } from './readiness';

describe(Readiness.name, () => {
  it('is ready only when every check passes, and says which one failed', async () => {
    const sut = new Readiness();
    sut.register('db', async () => undefined);
    expect(await sut.report()).toEqual({ ready: true, checks: { db: 'up' } });
    sut.register('kafka', async () => {
      throw new Error('broker away');
    });
    expect(await sut.report()).toEqual({ ready: false, checks: { db: 'up', kafka: 'down: broker away' } });
  });
});
