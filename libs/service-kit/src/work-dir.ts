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
 * This process's own scratch folder under `root` (`p<pid>-<random>`): the writer's chunk files, the query service's
 * sorted runs. Several processes on one host (or sharing one volume) never delete each other's files. Folders of
 * processes that are gone (killed, so they could not clean up), and anything else left in the root by an older
 * layout, are removed: what they held is rebuilt from Kafka or the database anyway. `root` must be a folder of
 * its own, never a shared one such as /tmp itself.
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
