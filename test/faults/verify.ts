import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { download, JobView } from '../support/api';
import { s3, serverFiles, SFTP } from '../support/destinations';
import { fileText, parseCsv, parseNdjson } from '../support/files';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ExportUnderTest {
  key: string;
  name: string;
  format: 'csv' | 'json';
  compress: boolean;
  limit?: number;
  destination: 'internal' | 'sftp' | 's3';
  bucket?: string;
  /** The record ids the export must contain, in the documented order (time, then _id). */
  expectedIds: string[];
}

export interface Verdict {
  status: string;
  lost: number;
  duplicated: number;
  outOfOrder: boolean;
  malformedFiles: number;
  wrongNames: boolean;
  leftovers: number;
  countersWrong: boolean;
  error?: string;
}

/** The file names the export must have produced, from its options and record count alone. */
export function expectedNames(test: ExportUnderTest): string[] {
  const extension = `${test.format}${test.compress ? '.gz' : ''}`;
  if (!test.limit) return [`${test.name}.${extension}`];
  const count = Math.max(1, Math.ceil(test.expectedIds.length / test.limit));
  return Array.from({ length: count }, (_, i) => `${test.name}-part-${String(i + 1).padStart(5, '0')}.${extension}`);
}

async function fetchFile(test: ExportUnderTest, file: JobView['files'][number]): Promise<Buffer> {
  if (test.destination === 'internal') {
    const response = await download(test.key, file.url!);
    if (response.status !== 200) throw new Error(`download of ${file.name}: ${response.status}`);
    return response.bytes;
  }
  if (test.destination === 'sftp') return readFileSync(join(SFTP.root, 'upload', file.name));
  const key = file.location!.replace(`s3://${test.bucket}/`, '');
  const object = await s3.send(new GetObjectCommand({ Bucket: test.bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

/** Ids of one file's records, or null when the file does not parse (bad gzip, CSV or JSON). */
function idsOf(test: ExportUnderTest, name: string, bytes: Buffer): string[] | null {
  try {
    const text = fileText(name, bytes);
    if (test.format === 'json') return parseNdjson(text).map((line) => String(line._id));
    const [header, ...rows] = parseCsv(text);
    const column = header.indexOf('_id');
    return column === -1 ? null : rows.map((row) => row[column]);
  } catch {
    return null;
  }
}

/** Judges an export from its delivered files alone (plus the job's own account of them). */
export async function verify(test: ExportUnderTest, job: JobView): Promise<Verdict> {
  const verdict: Verdict = {
    status: job.status,
    lost: 0,
    duplicated: 0,
    outOfOrder: false,
    malformedFiles: 0,
    wrongNames: false,
    leftovers: 0,
    countersWrong: false,
    error: job.error ? `${job.error.code}: ${job.error.message}` : undefined,
  };
  const delivered: string[] = [];
  for (const file of job.files) {
    const ids = idsOf(test, file.name, await fetchFile(test, file));
    if (!ids || ids.length !== file.records) verdict.malformedFiles += 1;
    delivered.push(...(ids ?? []));
  }
  const expected = new Set(test.expectedIds);
  const seen = new Map<string, number>();
  for (const id of delivered) seen.set(id, (seen.get(id) ?? 0) + 1);
  verdict.lost = test.expectedIds.filter((id) => !seen.has(id)).length;
  verdict.duplicated =
    [...seen.values()].reduce((sum, n) => sum + (n - 1), 0) + delivered.filter((id) => !expected.has(id)).length;
  verdict.outOfOrder =
    delivered.length === test.expectedIds.length && delivered.some((id, i) => id !== test.expectedIds[i]);
  verdict.wrongNames = JSON.stringify(job.files.map((f) => f.name)) !== JSON.stringify(expectedNames(test));
  verdict.countersWrong =
    job.totalItems !== test.expectedIds.length ||
    job.completedItems !== test.expectedIds.length ||
    job.files.reduce((sum, f) => sum + f.records, 0) !== test.expectedIds.length;
  if (test.destination === 'sftp') {
    const names = new Set(job.files.map((f) => f.name));
    verdict.leftovers = [...serverFiles(SFTP.root, 'upload').keys()].filter(
      (file) => file.includes(test.name) && !names.has(file),
    ).length;
  }
  if (test.destination === 's3') {
    verdict.leftovers = ((await s3.send(new ListObjectsV2Command({ Bucket: test.bucket }))).Contents ?? []).filter(
      (object) => !job.files.some((f) => f.location === `s3://${test.bucket}/${object.Key}`),
    ).length;
  }
  return verdict;
}
