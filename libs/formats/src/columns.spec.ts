import { DEFAULT_CSV_COLUMNS, expandAlias, readPath, resolveColumns } from './columns';

describe('columns', () => {
  it('expands Cordial short names on the first segment only', () => {
    expect(expandAlias('a')).toBe('action');
    expect(expandAlias('ats')).toBe('time');
    expect(expandAlias('sp.bt')).toBe('system_properties.bt');
    expect(expandAlias('properties.a')).toBe('properties.a');
    expect(expandAlias('bmID')).toBe('bmID');
  });

  it('uses the default set for CSV and everything for JSON when none are requested', () => {
    expect(resolveColumns(undefined, 'csv')?.map((c) => c.path)).toEqual(DEFAULT_CSV_COLUMNS);
    expect(resolveColumns([], 'json')).toBeNull();
  });

  it('keeps requested labels', () => {
    expect(resolveColumns([{ name: 'sp.bt', label: 'Bounce type' }], 'csv')).toEqual([
      { path: 'system_properties.bt', label: 'Bounce type' },
    ]);
  });

  it('never walks the prototype chain', () => {
    expect(readPath({ a: 1 }, 'constructor')).toBeUndefined();
    expect(readPath({ a: { b: null } }, 'a.b.c')).toBeUndefined();
    expect(readPath({ a: { b: 0 } }, 'a.b')).toBe(0);
  });
});
