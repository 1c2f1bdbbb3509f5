import { OutputSpec } from '@cae/contracts';
import { chunkFileName, chunkIndexOf } from './file-names';
import { RecordFormatter } from './record-formatter';

const output = (over: Partial<OutputSpec>): OutputSpec => ({
  format: 'csv',
  showHeader: true,
  showAllProperties: false,
  compress: false,
  fileBaseName: 'x',
  ...over,
});

describe(RecordFormatter.name, () => {
  const record = { _id: 'id1', action: 'click', time: '2019-03-24T00:00:00.000Z', properties: { k: 'v' } };

  it('writes a CSV header only when asked', () => {
    const columns = [
      { name: 'a', label: 'Action' },
      { name: 'ats', label: 'When' },
    ];
    expect(new RecordFormatter(output({ columns })).header()).toBe('Action,When\r\n');
    expect(new RecordFormatter(output({ columns, showHeader: false })).header()).toBe('');
    expect(new RecordFormatter(output({ columns })).line(record)).toBe('click,2019-03-24T00:00:00.000Z\r\n');
  });

  it('writes whole records as NDJSON without columns, labelled values with them', () => {
    const json = output({ format: 'json' });
    expect(new RecordFormatter(json).header()).toBe('');
    expect(JSON.parse(new RecordFormatter(json).line(record))).toEqual(record);
    const labelled = new RecordFormatter({
      ...json,
      columns: [
        { name: 'properties.k', label: 'K' },
        { name: 'zz', label: 'Z' },
      ],
    });
    expect(labelled.line(record)).toBe('{"K":"v","Z":null}\n');
  });

  it('writes any label as a JSON key, __proto__ included', () => {
    const sut = new RecordFormatter(
      output({
        format: 'json',
        columns: [
          { name: 'a', label: '__proto__' },
          { name: '_id', label: 'constructor' },
        ],
      }),
    );
    const line = sut.line(record);
    expect(line).toBe('{"__proto__":"click","constructor":"id1"}\n');
    expect(Object.keys(JSON.parse(line))).toEqual(['__proto__', 'constructor']);
  });

  it('escapes formula-like header labels too when escapeFormulas is on', () => {
    const columns = [
      { name: 'a', label: '=HYPERLINK("http://x")' },
      { name: 'ats', label: '@When' },
      { name: '_id', label: 'Id' },
    ];
    expect(new RecordFormatter(output({ columns, escapeFormulas: true })).header()).toBe(
      `"'=HYPERLINK(""http://x"")",'@When,Id\r\n`,
    );
    expect(new RecordFormatter(output({ columns })).header()).toBe('"=HYPERLINK(""http://x"")",@When,Id\r\n');
  });
});

describe('file names', () => {
  it('names unchunked and chunked files deterministically', () => {
    expect(chunkFileName(output({}), 0)).toBe('x.csv');
    expect(chunkFileName(output({ format: 'json', compress: true }), 0)).toBe('x.json.gz');
    expect(chunkFileName(output({ limitRecordsPerFile: 10 }), 0)).toBe('x-part-00001.csv');
    expect(chunkFileName(output({ limitRecordsPerFile: 10, compress: true }), 41)).toBe('x-part-00042.csv.gz');
  });

  it('places records in chunks by sequence number', () => {
    expect(chunkIndexOf(0, 10)).toBe(0);
    expect(chunkIndexOf(9, 10)).toBe(0);
    expect(chunkIndexOf(10, 10)).toBe(1);
    expect(chunkIndexOf(123456, undefined)).toBe(0);
  });
});
