import { OutputSpec } from '@cae/contracts';
import { PropertyKeyCollector, withAllSystemProperties } from './all-properties';

const output = (over: Partial<OutputSpec>): OutputSpec => ({
  format: 'csv',
  showHeader: true,
  showAllProperties: true,
  compress: false,
  fileBaseName: 'x',
  ...over,
});

describe(withAllSystemProperties.name, () => {
  it('appends one column per key after the listed ones, skipping keys already listed', () => {
    const sut = withAllSystemProperties(
      output({
        columns: [
          { name: 'a', label: 'Action' },
          { name: 'sp.bt', label: 'Type' },
        ],
      }),
      ['bc', 'bt'],
    );
    expect(sut.columns).toEqual([
      { name: 'a', label: 'Action' },
      { name: 'sp.bt', label: 'Type' },
      { name: 'system_properties.bc', label: 'system_properties.bc' },
    ]);
  });

  it('starts from the default CSV columns without the system_properties blob', () => {
    const names = withAllSystemProperties(output({}), ['ua']).columns!.map((c) => c.name);
    expect(names).not.toContain('system_properties');
    expect(names[names.length - 1]).toBe('system_properties.ua');
    expect(names[0]).toBe('_id');
  });

  it('changes nothing when not asked, or for whole-record JSON', () => {
    const off = output({ showAllProperties: false });
    expect(withAllSystemProperties(off, ['a'])).toBe(off);
    const json = output({ format: 'json' });
    expect(withAllSystemProperties(json, ['a'])).toBe(json);
  });
});

describe(PropertyKeyCollector.name, () => {
  it('collects usable keys, sorted', () => {
    const sut = new PropertyKeyCollector();
    sut.add({ b: 1, a: 2 });
    sut.add({ 'dotted.key': 1, c: null });
    sut.add('not an object');
    sut.add(null);
    expect(sut.sorted()).toEqual(['a', 'b', 'c']);
  });
});
