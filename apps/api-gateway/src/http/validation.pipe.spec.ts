import { BodyShapePipe, dangerousKeyPaths } from './validation.pipe';

describe(dangerousKeyPaths.name, () => {
  it('finds prototype keys at any depth', () => {
    const body = JSON.parse('{"a":{"__proto__":{"x":1}},"list":[{"constructor":1}],"ok":{"prototypeish":1}}');
    expect(dangerousKeyPaths(body)).toEqual(['a.__proto__', 'list.0.constructor']);
  });
});

describe(BodyShapePipe.name, () => {
  const sut = new BodyShapePipe();
  const body = { type: 'body' as const };

  it('lets plain objects through and ignores other arguments', () => {
    expect(sut.transform({ exportType: 'csv' }, body)).toEqual({ exportType: 'csv' });
    expect(sut.transform('x', { type: 'param' })).toBe('x');
  });

  it.each([[null], [[1]], ['csv'], [JSON.parse('{"__proto__":{}}')]])('refuses %j', (value) => {
    expect(() => sut.transform(value, body)).toThrow(/invalid request/);
  });
});
