import { cellText, csvLine, csvRecord, escapeFormula, quoteCsv } from './csv';

describe('csv', () => {
  it('quotes only fields that need it, doubling quotes (RFC 4180)', () => {
    expect(quoteCsv('plain')).toBe('plain');
    expect(quoteCsv('a,b')).toBe('"a,b"');
    expect(quoteCsv('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsv('line\nbreak')).toBe('"line\nbreak"');
    expect(quoteCsv('cr\rhere')).toBe('"cr\rhere"');
  });

  it('ends lines with CRLF', () => {
    expect(csvLine(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  it('writes missing as empty, objects as JSON, scalars as printed', () => {
    expect(cellText(undefined)).toBe('');
    expect(cellText(null)).toBe('');
    expect(cellText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(cellText(false)).toBe('false');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText('ünïcødé ✓')).toBe('ünïcødé ✓');
  });

  it('reads columns by dot path', () => {
    const record = { action: 'open', system_properties: { bt: 'hard', link: 'a,b' } };
    const columns = [
      { path: 'action', label: 'Action' },
      { path: 'system_properties.bt', label: 'bt' },
      { path: 'system_properties.link', label: 'link' },
      { path: 'system_properties.nope', label: 'nope' },
    ];
    expect(csvRecord(record, columns)).toBe('open,hard,"a,b",\r\n');
  });

  it('escapes formula-like cells only when asked', () => {
    for (const text of ['=1+2', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(escapeFormula(text)).toBe(`'${text}`);
    for (const text of ['plain', '1-2', 'a=b', '']) expect(escapeFormula(text)).toBe(text);
    const columns = [{ path: 'v', label: 'v' }];
    expect(csvRecord({ v: '=HYPERLINK("x")' }, columns)).toBe('"=HYPERLINK(""x"")"\r\n');
    expect(csvRecord({ v: '=HYPERLINK("x")' }, columns, true)).toBe('"\'=HYPERLINK(""x"")"\r\n');
  });
});
