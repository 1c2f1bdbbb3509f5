/** A destination path: a folder (SFTP, FTP, GCS) or a folder and file name (S3). */
export function remotePathProblem(path: string): string | null {
  if (path.split(/[\\/]/).includes('..')) return 'must not contain ".." segments';
  return null;
}
