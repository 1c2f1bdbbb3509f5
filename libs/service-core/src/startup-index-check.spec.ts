import { Logger } from '@nestjs/common';
import type { Db } from 'mongodb';
import { StartupIndexCheck } from './startup-index-check';

/** A database where the writer's and delivery's collections exist without any index. */
const emptyDb = {
  collection: () => ({ listIndexes: () => ({ toArray: async () => [{ key: { _id: 1 } }] }) }),
} as unknown as Db;

describe(StartupIndexCheck.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('warns about missing indexes and starts (default), naming them and the migration', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await new StartupIndexCheck(emptyDb, { service: 'delivery', mode: 'warn' }).onApplicationBootstrap();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/missing MongoDB indexes: .*delivery_queue.*make migrate/));
  });

  it('refuses to start when told to', async () => {
    await expect(
      new StartupIndexCheck(emptyDb, { service: 'delivery', mode: 'refuse' }).onApplicationBootstrap(),
    ).rejects.toThrow(/missing MongoDB indexes.*MONGODB_INDEX_CHECK=refuse/);
  });

  it('says nothing for a service that needs no index (the writer)', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await new StartupIndexCheck(emptyDb, { service: 'writer', mode: 'refuse' }).onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
  });
});
