import { BodyShapePipe, refusedKeys } from './validation.pipe';

describe(refusedKeys.name, () => {
  it('finds prototype, operator, dotted and control-character keys at any depth', () => {
    const body = JSON.parse(
      '{"a":{"__proto__":{"x":1}},"list":[{"constructor":1}],"ok":{"prototypeish":1,"pri$ce":2},' +
        '"d":{"$gt":""},"e":[{"a.b":1}],"f\\u0000":1}',
    );
    expect(refusedKeys(body).map((f) => f.field)).toEqual([
      'a.__proto__',
      'list.0.constructor',
      'd.$gt',
      'e.0.a.b',
      'f\u0000',
    ]);
  });
});

describe(BodyShapePipe.name, () => {
  const sut = new BodyShapePipe();
  const body = { type: 'body' as const };

  it('lets plain objects through and ignores other arguments', () => {
    expect(sut.transform({ exportType: 'csv' }, body)).toEqual({ exportType: 'csv' });
    expect(sut.transform('x', { type: 'param' })).toBe('x');
  });

  it.each([[null], [[1]], ['csv'], [JSON.parse('{"__proto__":{}}')], [{ destination: { $set: 1 } }], [{ 'a.b': 1 }]])(
    'refuses %j',
    (value) => {
      expect(() => sut.transform(value, body)).toThrow(/invalid request/);
    },
  );
});
