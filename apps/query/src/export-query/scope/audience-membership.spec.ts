import { filteredInGroups } from './audience-membership';

async function* numbers(count: number) {
  for (let i = 0; i < count; i++) yield i;
}

describe(filteredInGroups.name, () => {
  it('keeps order and checks a bounded group at a time', async () => {
    const groups: number[] = [];
    const keep = async (group: number[]) => {
      groups.push(group.length);
      return group.filter((n) => n % 3 === 0);
    };
    const out: number[] = [];
    for await (const n of filteredInGroups(numbers(25), keep, 10)) out.push(n);
    expect(out).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24]);
    expect(groups).toEqual([10, 10, 5]);
  });

  it('passes everything through without a filter', async () => {
    const out: number[] = [];
    for await (const n of filteredInGroups(numbers(3), null)) out.push(n);
    expect(out).toEqual([0, 1, 2]);
  });
});
