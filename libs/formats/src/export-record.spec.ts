import { ObjectId } from 'mongodb';
import { toExportRecord } from './export-record';

describe(toExportRecord.name, () => {
  it('converts ids and dates, keeps nesting, drops internal fields', () => {
    const id = new ObjectId();
    const sut = toExportRecord({
      _id: id, accountId: 'secret-tenant', time: new Date('2020-01-02T03:04:05.678Z'),
      properties: { when: new Date(0), list: [id] }, first: true,
    });
    expect(sut).toEqual({
      _id: id.toHexString(), time: '2020-01-02T03:04:05.678Z',
      properties: { when: '1970-01-01T00:00:00.000Z', list: [id.toHexString()] }, first: true,
    });
  });
});
