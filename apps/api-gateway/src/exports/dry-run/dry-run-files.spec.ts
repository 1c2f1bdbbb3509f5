import { OutputSpec } from '@cae/contracts';
import { DRY_RUN_LISTED_FILES, planFiles } from './dry-run-files';

const output = (changes: Partial<OutputSpec> = {}): OutputSpec =>
  ({ format: 'csv', showHeader: true, compress: false, fileBaseName: 'daily', ...changes }) as OutputSpec;

describe(planFiles.name, () => {
  it('plans one file without limitRecordsPerFile, even for nothing', () => {
    expect(planFiles(output(), 472)).toEqual({ fileCount: 1, files: [{ name: 'daily.csv', records: 472 }] });
    expect(planFiles(output({ format: 'json', compress: true }), 0)).toEqual({
      fileCount: 1,
      files: [{ name: 'daily.json.gz', records: 0 }],
    });
  });

  it('cuts chunks of limitRecordsPerFile, the last one holding the rest, named as the writer names them', () => {
    expect(planFiles(output({ limitRecordsPerFile: 200, compress: true }), 472)).toEqual({
      fileCount: 3,
      files: [
        { name: 'daily-part-00001.csv.gz', records: 200 },
        { name: 'daily-part-00002.csv.gz', records: 200 },
        { name: 'daily-part-00003.csv.gz', records: 72 },
      ],
    });
    expect(planFiles(output({ limitRecordsPerFile: 200 }), 400).files.map((file) => file.records)).toEqual([200, 200]);
    expect(planFiles(output({ limitRecordsPerFile: 200 }), 0)).toEqual({
      fileCount: 1,
      files: [{ name: 'daily-part-00001.csv', records: 0 }],
    });
  });

  it('lists the first 100 files and counts them all', () => {
    const plan = planFiles(output({ limitRecordsPerFile: 1 }), 250);
    expect(plan.fileCount).toBe(250);
    expect(plan.files).toHaveLength(DRY_RUN_LISTED_FILES);
    expect(plan.files[99]).toEqual({ name: 'daily-part-00100.csv', records: 1 });
  });

  it('says what it can when the count timed out', () => {
    expect(planFiles(output(), null)).toEqual({ fileCount: 1, files: [{ name: 'daily.csv', records: null }] });
    expect(planFiles(output({ limitRecordsPerFile: 10 }), null)).toEqual({ fileCount: null, files: [] });
  });
});
