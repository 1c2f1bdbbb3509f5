import { audienceRuleToContactFilter } from './audience-rule';

describe(audienceRuleToContactFilter.name, () => {
  it('prefixes fields with attributes and keeps safe operators', () => {
    expect(
      audienceRuleToContactFilter({
        tier: 'vip',
        age: { $gte: 30, $lt: 60 },
        $or: [{ city: { $in: ['Lyon'] } }, { 'geo.country': 'FR' }],
      }),
    ).toEqual({
      'attributes.tier': 'vip',
      'attributes.age': { $gte: 30, $lt: 60 },
      $or: [{ 'attributes.city': { $in: ['Lyon'] } }, { 'attributes.geo.country': 'FR' }],
    });
  });

  it.each([
    [{ $where: 'sleep(1000)' }],
    [{ name: { $regex: '.*' } }],
    [{ $expr: { $gt: ['$a', 1] } }],
    [{ tier: { $eq: { $gt: 1 } } }],
    [{ __proto__x: 1, 'a.__proto__': 1 }],
    [{ $or: [] }],
    [{ a: { $in: 'x' } }],
    [[{ a: 1 }]],
    ['tier = vip'],
  ])('refuses %j', (rule) => {
    expect(() => audienceRuleToContactFilter(rule)).toThrow(/audience rule/);
  });
});
