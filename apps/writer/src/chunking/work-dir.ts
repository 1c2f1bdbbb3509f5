import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** True while a process with this pid runs on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * This process's own folder for chunk files under WRITER_TMP_DIR (`p<pid>-<random>`), so that several writers on
 * one host (or sharing one volume) never delete each other's open chunks. Folders of processes that are gone, and
 * anything else left in the root by an older layout, are removed: their chunks are rebuilt from Kafka anyway.
 */
export async function claimWorkDir(root: string): Promise<string> {
  await mkdir(root, { recursive: true });
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const owner = entry.isDirectory() ? /^p(\d+)-[0-9a-f]+$/.exec(entry.name) : null;
    if (owner && alive(Number(owner[1]))) continue;
    await rm(join(root, entry.name), { recursive: true, force: true });
  }
  const mine = join(root, `p${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(mine);
  return mine;
}
