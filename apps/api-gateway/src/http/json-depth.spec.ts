import { jsonNestingDepth } from './json-depth';

describe(jsonNestingDepth.name, () => {
  const depth = (text: string) => jsonNestingDepth(Buffer.from(text));

  it.each([
    ['1', 0],
    ['{}', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['[[],[[]]]', 3],
    ['{"a":"[[[{{{"}', 1],
    ['{"a":"\\\\"}', 1],
    ['{"a":"\\"[[["}', 1],
    ['{"a":"é[🙂"}', 1],
  ])('%s nests %i deep', (text, expected) => {
    expect(depth(text)).toBe(expected);
  });

  it('measures 3,000 levels without recursion, and stops early past a limit', () => {
    const deep = `${'['.repeat(3_000)}${']'.repeat(3_000)}`;
    expect(depth(deep)).toBe(3_000);
    expect(jsonNestingDepth(Buffer.from(deep), 16)).toBe(17);
  });
});
