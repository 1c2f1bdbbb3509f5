import { ObjectId } from 'mongodb';
import { EXPORTED_FIELDS, toExportRecord } from './export-record';

describe(toExportRecord.name, () => {
  it('converts ids and dates, keeps nesting, drops internal fields', () => {
    const id = new ObjectId();
    const sut = toExportRecord({
      _id: id,
      accountId: 'secret-tenant',
      time: new Date('2020-01-02T03:04:05.678Z'),
      properties: { when: new Date(0), list: [id] },
      first: true,
    });
    expect(sut).toEqual({
      _id: id.toHexString(),
      time: '2020-01-02T03:04:05.678Z',
      properties: { when: '1970-01-01T00:00:00.000Z', list: [id.toHexString()] },
      first: true,
    });
  });

  it('exports only the documented fields, so a field the platform adds later never leaks', () => {
    const sut = toExportRecord({
      _id: 'i',
      accountId: 'a',
      cID: 'c',
      email: 'e',
      action: 'open',
      time: new Date(0),
      bmID: 'b',
      mdtID: 'm',
      mcID: 'mc',
      message_name: 'n',
      first: false,
      properties: { p: 1 },
      system_properties: { s: 2 },
      internalScore: 0.9,
      deliveryIp: '10.1.2.3',
      __v: 3,
    });
    expect(Object.keys(sut).sort()).toEqual([...EXPORTED_FIELDS].sort());
  });
});
