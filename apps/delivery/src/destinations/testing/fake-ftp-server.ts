import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { posix } from 'node:path';

/**
 * A small FTP server on 127.0.0.1 for unit tests of the FTP destination: it records every command line it
 * receives (so a test can prove that no injected command arrived) and keeps uploaded files in memory. Passive
 * mode by EPSV only. `AUTH TLS` is announced when `offerTls` is set: with `tls` (a key and certificate) the control
 * connection is upgraded (data connections stay plain, so only the handshake can be tested); with `brokenTls` the
 * handshake fails; without either, AUTH TLS is refused.
 */
export class FakeFtpServer {
  /** Every command line received, in order, across connections. */
  readonly commands: string[] = [];
  /** Files by absolute path, after renames. */
  readonly files = new Map<string, Buffer>();
  connections = 0;
  private readonly server: Server = createServer((socket) => this.session(socket));
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly options: { offerTls?: boolean; tls?: { key: string; cert: string }; brokenTls?: boolean } = {},
  ) {}

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private session(plain: Socket): void {
    let control: Socket = plain;
    this.connections += 1;
    this.sockets.add(plain);
    plain.on('close', () => this.sockets.delete(plain));
    plain.on('error', () => undefined);
    let cwd = '/';
    let buffered = '';
    let data: Promise<Buffer> | null = null;
    let renameFrom: string | null = null;
    let protectedData = false;
    const reply = (line: string) => control.write(`${line}\r\n`);
    const at = (name: string) => posix.resolve(cwd, name);
    reply('220 fake FTP server');
    // Lines are handled one at a time, in order, even while one of them waits for its data connection.
    let queue = Promise.resolve();
    const listen = (socket: Socket) =>
      socket.on('data', (chunk) => {
        buffered += chunk.toString('utf8');
        queue = queue.then(handleLines);
      });
    listen(control);
    const handleLines = async () => {
      let end: number;
      while ((end = buffered.indexOf('\r\n')) !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        this.commands.push(line);
        const [verb, ...rest] = line.split(' ');
        const argument = rest.join(' ');
        switch (verb.toUpperCase()) {
          case 'USER':
            reply('331 password please');
            break;
          case 'PASS':
            reply('230 logged in');
            break;
          case 'FEAT':
            reply(`211-Features:\r\n EPSV\r\n UTF8\r\n${this.options.offerTls ? ' AUTH TLS\r\n' : ''}211 End`);
            break;
          case 'AUTH':
            if (this.options.brokenTls) {
              // Accepts, then answers the TLS handshake with bytes that are not TLS.
              reply('234 go ahead');
              control.end('this is not TLS\r\n');
              break;
            }
            if (!this.options.tls) {
              reply('534 no TLS here');
              break;
            }
            reply('234 go ahead');
            plain.removeAllListeners('data');
            control = new TLSSocket(plain, { isServer: true, key: this.options.tls.key, cert: this.options.tls.cert });
            control.on('error', () => undefined);
            listen(control);
            break;
          case 'PWD':
            reply(`257 "${cwd}"`);
            break;
          case 'CWD':
            cwd = at(argument);
            reply('250 ok');
            break;
          case 'EPSV':
            // Protected (TLS) data connections are not implemented: refuse at once rather than hang.
            if (protectedData) reply('522 protected data connections are not supported here');
            else data = (await this.openDataPort(reply)).received;
            break;
          case 'PROT':
            protectedData = argument === 'P';
            reply('200 ok');
            break;
          case 'STOR': {
            const target = at(argument);
            reply('150 send it');
            this.files.set(target, await (data ?? Promise.resolve(Buffer.alloc(0))));
            data = null;
            reply('226 stored');
            break;
          }
          case 'RNFR':
            renameFrom = at(argument);
            reply('350 ready');
            break;
          case 'RNTO':
            if (renameFrom && this.files.has(renameFrom)) this.files.set(at(argument), this.files.get(renameFrom)!);
            if (renameFrom) this.files.delete(renameFrom);
            reply('250 renamed');
            break;
          case 'DELE':
            this.files.delete(at(argument));
            reply('250 deleted');
            break;
          case 'QUIT':
            reply('221 bye');
            control.end();
            break;
          case 'TYPE':
          case 'STRU':
          case 'OPTS':
          case 'SITE':
          case 'PBSZ':
            reply('200 ok');
            break;
          default:
            reply('502 not implemented');
        }
      }
    };
  }

  /** Listens for one data connection and resolves with everything it sends. */
  private async openDataPort(reply: (line: string) => void): Promise<{ received: Promise<Buffer> }> {
    const listener = createServer();
    const received = new Promise<Buffer>((resolve) => {
      listener.once('connection', (socket) => {
        const parts: Buffer[] = [];
        socket.on('data', (part) => parts.push(part));
        socket.on('end', () => {
          listener.close();
          resolve(Buffer.concat(parts));
        });
        socket.on('error', () => resolve(Buffer.concat(parts)));
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    reply(`229 Entering Extended Passive Mode (|||${(listener.address() as AddressInfo).port}|)`);
    return { received };
  }
}
