import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runExport } from '../support/api';
import { FTP, serverFiles, SFTP, sftpHostKeyFingerprint } from '../support/destinations';
import { closeDatabase, createAccount, database, insertActivities, makeActivities } from '../support/fixtures';

const sftp = (over: Record<string, unknown> = {}) => ({
  type: 'sftp',
  server: SFTP.host,
  port: SFTP.port,
  username: SFTP.user,
  password: SFTP.password,
  path: '/upload',
  ...over,
});
const ftp = (over: Record<string, unknown> = {}) => ({
  type: 'ftp',
  server: FTP.host,
  port: FTP.port,
  username: FTP.user,
  password: FTP.password,
  path: './',
  ...over,
});
const OTHER_KEY = `SHA256:${'Q'.repeat(43)}`;

/** Host keys of SFTP servers, TLS for FTP, and the permissions of delivered files, against the real SFTP and FTP test servers (deploy/local/test-servers). */
describe('transport security of SFTP and FTP deliveries', () => {
  let account: { key: string; accountId: string };
  const name = (prefix: string) => `${prefix}-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    account = await createAccount('transport');
    await insertActivities(makeActivities(account.accountId, 200, 91));
  });
  afterAll(closeDatabase);

  describe('SFTP host keys', () => {
    it('delivers when the server presents the requested fingerprint', async () => {
      const job = await runExport(account.key, {
        name: name('pinned'),
        exportType: 'csv',
        destination: sftp({ hostKeyFingerprint: sftpHostKeyFingerprint() }),
      });
      expect(job.status).toBe('done');
    });

    it('sends nothing when the server presents another key than the requested one', async () => {
      const file = name('wrong-key');
      const job = await runExport(account.key, {
        name: file,
        exportType: 'csv',
        destination: sftp({ hostKeyFingerprint: OTHER_KEY }),
      });
      expect(job.error?.code).toBe('HOST_KEY_MISMATCH');
      expect(job.error?.message).toContain(sftpHostKeyFingerprint());
      expect([...serverFiles(SFTP.root, 'upload').keys()].filter((f) => f.includes(file))).toEqual([]);
    });

    it('pins the first key seen per account and server, and refuses a changed one until the customer confirms it', async () => {
      const fresh = await createAccount('tofu');
      await insertActivities(makeActivities(fresh.accountId, 50, 92));
      const first = await runExport(fresh.key, { name: name('first'), exportType: 'csv', destination: sftp() });
      expect(first.status).toBe('done');
      const keys = (await database()).collection('sftp_host_keys');
      const pin = await keys.findOne({ accountId: fresh.accountId });
      expect(pin).toMatchObject({ server: SFTP.host, port: SFTP.port, fingerprint: sftpHostKeyFingerprint() });

      // The server's key "changes" (as a re-installed server or a man in the middle would present another key).
      await keys.updateOne({ accountId: fresh.accountId }, { $set: { fingerprint: OTHER_KEY } });
      const changed = await runExport(fresh.key, { name: name('changed'), exportType: 'csv', destination: sftp() });
      expect(changed.error?.code).toBe('HOST_KEY_MISMATCH');
      expect(changed.error?.message).toContain(`hostKeyFingerprint: "${sftpHostKeyFingerprint()}"`);

      // The customer confirms the new key: delivered, and it is the pinned key from now on.
      const confirmed = await runExport(fresh.key, {
        name: name('confirmed'),
        exportType: 'csv',
        destination: sftp({ hostKeyFingerprint: sftpHostKeyFingerprint() }),
      });
      expect(confirmed.status).toBe('done');
      expect((await keys.findOne({ accountId: fresh.accountId }))?.fingerprint).toBe(sftpHostKeyFingerprint());
      expect((await runExport(fresh.key, { name: name('after'), exportType: 'csv', destination: sftp() })).status).toBe(
        'done',
      );
      // Another account's pins are its own.
      expect(await keys.countDocuments({ accountId: fresh.accountId })).toBe(1);
    });
  });

  it("creates SFTP files readable by the owner's group at most, never world-writable", async () => {
    const file = name('mode');
    const job = await runExport(account.key, { name: file, exportType: 'csv', destination: sftp() });
    expect(job.status).toBe('done');
    expect((statSync(join(SFTP.root, 'upload', `${file}.csv`)).mode & 0o777).toString(8)).toBe('640');
  });

  describe('FTP over TLS', () => {
    // The test FTP server (pyftpdlib, tls_control_required and tls_data_required) refuses logins and transfers without
    // TLS: every FTP delivery of the suites that succeeds went over explicit TLS.
    it('uses AUTH TLS when the server offers it', async () => {
      const file = name('ftps');
      const job = await runExport(account.key, { name: file, exportType: 'csv', destination: ftp() });
      expect(job.status).toBe('done');
      expect(serverFiles(FTP.root, '').has(`${file}.csv`)).toBe(true);
    });

    it('with requireTls, verifies the certificate (trusted here through NODE_EXTRA_CA_CERTS) and delivers', async () => {
      const job = await runExport(account.key, {
        name: name('ftps-required'),
        exportType: 'csv',
        destination: ftp({ requireTls: true }),
      });
      expect(job.status).toBe('done');
    });
  });
});
