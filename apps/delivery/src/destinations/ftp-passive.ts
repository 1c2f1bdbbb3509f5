import { FTPContext, FTPResponse } from 'basic-ftp';
import { connectForPassiveTransfer, parseEpsvResponse, parsePasvResponse } from 'basic-ftp/dist/transfer';

/**
 * Passive mode that only ever connects to the server we logged in to: EPSV (port only) first, else PASV with its
 * address ignored. A hostile server cannot point our data connection at another host (FTP bounce / SSRF).
 */
export async function passiveToControlHost(ftp: FTPContext): Promise<FTPResponse> {
  const controlHost = ftp.socket.remoteAddress;
  if (!controlHost) throw new Error('control connection closed');
  try {
    const response = await ftp.request('EPSV');
    const port = parseEpsvResponse(response.message);
    await connectForPassiveTransfer(controlHost, port, ftp);
    return response;
  } catch (epsvError) {
    if (ftp.closed) throw epsvError;
    const response = await ftp.request('PASV');
    const { port } = parsePasvResponse(response.message);
    await connectForPassiveTransfer(controlHost, port, ftp);
    return response;
  }
}
