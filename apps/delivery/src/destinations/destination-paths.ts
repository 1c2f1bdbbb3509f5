import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';

/**
 * Folder of an SFTP, FTP or GCS destination, normalised: `./` and `` mean the login folder (GCS: the bucket
 * root), `/exports/` and `/exports` are the same folder, and `..` segments are refused.
 */
export function folderOf(path: string | undefined): string {
  const raw = (path ?? '').trim();
  if (raw.split(/[\\/]/).includes('..')) throw new Error('path must not contain ".."');
  const normal = posix.normalize(raw === '' ? '.' : raw).replace(/\/+$/, '');
  return normal === '' ? '/' : normal;
}

/** Full remote path of a file in a folder (SFTP, FTP). */
export function remoteFile(folder: string, fileName: string): string {
  return folder === '.' ? fileName : posix.join(folder, fileName);
}

/** GCS object name: folder without its leading slash, then the file name. */
export function gcsObjectName(path: string | undefined, fileName: string): string {
  const folder = folderOf(path).replace(/^\.?\/?/, '');
  return folder === '' || folder === '.' ? fileName : `${folder}/${fileName}`;
}

/**
 * S3 object key. The reference allows a folder (`folder`, `/folder/`: the leading slash is ignored, so both land in
 * the same place) or a folder and file name (`/folder/contactsExport.csv`: a last segment with a dot names the
 * file). With a file name, chunked exports insert the part number before its extension
 * (`contactsExport-part-00002.csv`) and compressed ones append `.gz`; with a folder, the export's own file names
 * are used.
 */
export function s3ObjectKey(
  path: string | undefined,
  file: { fileName: string; chunkIndex: number; chunked: boolean; compressed: boolean },
): string {
  const clean = (path ?? '').trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (clean.split('/').includes('..')) throw new Error('path must not contain ".."');
  const segments = clean === '' ? [] : clean.split('/').filter(Boolean);
  const last = segments[segments.length - 1];
  if (!last || !last.includes('.') || (path ?? '').trim().endsWith('/')) return [...segments, file.fileName].join('/');
  const dot = last.indexOf('.');
  const [stem, extension] = [last.slice(0, dot), last.slice(dot)];
  const part = file.chunked ? `-part-${String(file.chunkIndex + 1).padStart(5, '0')}` : '';
  const gz = file.compressed && !extension.endsWith('.gz') ? '.gz' : '';
  return [...segments.slice(0, -1), `${stem}${part}${extension}${gz}`].join('/');
}

/**
 * Hidden name a file is uploaded under before the rename that makes it visible (SFTP, FTP). Unique per attempt:
 * two attempts of one delivery that overlap (a replica paused past its claim, and the one that took over) never
 * write into or remove each other's temporary file; each renames a complete file over the same final name.
 */
export function temporaryName(chunk: { fileName: string; jobId: string }): string {
  return `.${chunk.fileName}.${chunk.jobId.slice(0, 8)}.${randomBytes(4).toString('hex')}.part`;
}
