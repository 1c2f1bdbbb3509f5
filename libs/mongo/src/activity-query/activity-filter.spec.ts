import { ObjectId } from 'mongodb';
import { buildActivityFilter } from './activity-filter';

describe(buildActivityFilter.name, () => {
  it('always scopes to the account', () => {
    expect(buildActivityFilter('acc', {})).toEqual({ $and: [{ accountId: 'acc' }] });
  });

  it('ANDs every filter with inclusive time bounds', () => {
    const sut = buildActivityFilter('acc', {
      timeframeStart: '2019-03-24T00:00:00.000Z',
      timeframeEnd: '2019-03-25T23:59:59.999Z',
      actions: ['open', 'click'],
      messageType: 'batch',
      messageId: 'm1',
    });
    expect(sut).toEqual({
      $and: [
        { accountId: 'acc' },
        { time: { $gte: new Date('2019-03-24T00:00:00.000Z'), $lte: new Date('2019-03-25T23:59:59.999Z') } },
        { action: { $in: ['open', 'click'] } },
        { bmID: { $exists: true } },
        { $or: [{ bmID: 'm1' }, { mdtID: 'm1' }] },
      ],
    });
  });

  it('treats custom as every non-standard action', () => {
    const only = buildActivityFilter('a', { actions: ['custom'] }).$and as object[];
    expect(only[1]).toEqual({ action: { $nin: ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint'] } });
    const mixed = buildActivityFilter('a', { actions: ['open', 'custom'] }).$and as object[];
    expect(mixed[1]).toEqual({
      $or: [
        { action: { $in: ['open'] } },
        { action: { $nin: ['message-sent', 'open', 'click', 'optout', 'bounce', 'complaint'] } },
      ],
    });
  });

  it('resumes strictly after the last exported record', () => {
    const id = new ObjectId();
    const time = new Date(5);
    const sut = buildActivityFilter('a', { messageType: 'automation' }, ['c1'], { time, id }).$and as object[];
    expect(sut.slice(1)).toEqual([
      { mdtID: { $exists: true } },
      { cID: { $in: ['c1'] } },
      { $or: [{ time: { $gt: time } }, { time, _id: { $gt: id } }] },
    ]);
  });
});
