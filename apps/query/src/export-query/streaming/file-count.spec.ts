import { checkFileCount, plannedFiles } from './file-count';

describe(plannedFiles.name, () => {
  it('counts one file without a limit, one per limit with one, and one for an empty export', () => {
    expect(plannedFiles(1_000_000, undefined)).toBe(1);
    expect(plannedFiles(1_000, 300)).toBe(4);
    expect(plannedFiles(0, 300)).toBe(1);
  });
});

describe(checkFileCount.name, () => {
  it('lets an export with up to the maximum of files through', () => {
    expect(() => checkFileCount(10_000, 1, 10_000)).not.toThrow();
  });

  it('refuses one that would make more, saying which limit would fit', () => {
    expect(() => checkFileCount(1_000_000, 10, 10_000)).toThrow(
      expect.objectContaining({
        code: 'TOO_MANY_FILES',
        message: expect.stringContaining('set limitRecordsPerFile to 100 or more'),
      }),
    );
  });
});
