import { folderOf, gcsObjectName, remoteFile, s3ObjectKey, temporaryName } from './destination-paths';

const file = (over: Partial<{ fileName: string; chunkIndex: number; chunked: boolean; compressed: boolean }> = {}) => ({
  fileName: 'exp.csv',
  chunkIndex: 0,
  chunked: false,
  compressed: false,
  ...over,
});

describe('destination paths', () => {
  it('normalises folders', () => {
    expect(folderOf('./')).toBe('.');
    expect(folderOf('')).toBe('.');
    expect(folderOf('/exports/')).toBe('/exports');
    expect(folderOf('/exports')).toBe('/exports');
    expect(folderOf('/')).toBe('/');
    expect(folderOf('upload//daily/')).toBe('upload/daily');
    expect(() => folderOf('../etc')).toThrow();
    expect(() => folderOf('/a/../../etc')).toThrow();
    expect(remoteFile('.', 'a.csv')).toBe('a.csv');
    expect(remoteFile('/upload', 'a.csv')).toBe('/upload/a.csv');
  });

  it('names GCS objects from the folder without its leading slash', () => {
    expect(gcsObjectName('/contactactivities', 'a.csv')).toBe('contactactivities/a.csv');
    expect(gcsObjectName('./', 'a.csv')).toBe('a.csv');
    expect(gcsObjectName('/', 'a.csv')).toBe('a.csv');
    expect(gcsObjectName('a/b/', 'a.csv')).toBe('a/b/a.csv');
  });

  it('puts folder and /folder/ in the same S3 place', () => {
    expect(s3ObjectKey('folder', file())).toBe('folder/exp.csv');
    expect(s3ObjectKey('/folder/', file())).toBe('folder/exp.csv');
    expect(s3ObjectKey('', file())).toBe('exp.csv');
    expect(s3ObjectKey('/a/b', file({ fileName: 'exp-part-00003.csv.gz' }))).toBe('a/b/exp-part-00003.csv.gz');
  });

  it('uses an S3 file name from the path, numbering chunks and appending .gz', () => {
    expect(s3ObjectKey('/folder/contactsExport.csv', file())).toBe('folder/contactsExport.csv');
    expect(s3ObjectKey('/folder/contactsExport.csv', file({ chunked: true, chunkIndex: 1 }))).toBe(
      'folder/contactsExport-part-00002.csv',
    );
    expect(s3ObjectKey('contactsExport.csv', file({ compressed: true }))).toBe('contactsExport.csv.gz');
    expect(s3ObjectKey('x/out.csv.gz', file({ compressed: true, chunked: true }))).toBe('x/out-part-00001.csv.gz');
    expect(() => s3ObjectKey('/a/../b', file())).toThrow();
  });

  it("gives every upload attempt its own hidden temporary name, so two attempts never write or remove each other's file", () => {
    const chunk = { fileName: 'exp.csv', jobId: '0b7c3a5e-0000-4000-8000-000000000000' };
    const names = new Set(Array.from({ length: 50 }, () => temporaryName(chunk)));
    expect(names.size).toBe(50);
    for (const name of names) expect(name).toMatch(/^\.exp\.csv\.0b7c3a5e\.[0-9a-f]{8}\.part$/);
  });
});
