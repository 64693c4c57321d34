// An HTTPS forward proxy that sends the AWS clients' real STS traffic to the emulator, for clients that cannot be
// pointed at an endpoint through their credential chain (the AWS CLI 2.9 and botocore 1.29 predate
// AWS_ENDPOINT_URL_STS). The client is given HTTPS_PROXY and AWS_CA_BUNDLE; it asks the proxy to CONNECT
// sts.amazonaws.com:443 (or sts.REGION.amazonaws.com:443), the proxy answers TLS with a certificate for that host
// signed by a throwaway CA made with openssl, and passes the decrypted bytes unchanged to the emulator: the Host
// header stays what the client signed, so the emulator verifies SigV4 exactly as AWS would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';

/** The proxy, and the environment that sends an AWS client through it. */
export interface AwsProxy {
  /** HTTPS_PROXY (and https_proxy), AWS_CA_BUNDLE, and NO_PROXY emptied so nothing bypasses it. */
  env: NodeJS.ProcessEnv;
  /** Every `host:port` a client asked to CONNECT to, in order (refused ones too). */
  connects(): string[];
  close(): Promise<void>;
}

/** Options for {@link startAwsProxy}. */
export interface AwsProxyOptions {
  /** Where the decrypted traffic goes: the emulator's `http://127.0.0.1:PORT`. */
  target: string;
  /** The regions whose `sts.REGION.amazonaws.com` the certificate covers, beside the global `sts.amazonaws.com`. */
  regions?: readonly string[];
}

/** Makes a throwaway CA and a certificate for the STS hosts in a temporary folder; returns their paths. */
function makeCertificates(dir: string, hosts: readonly string[]) {
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2',
    '-subj', '/CN=Rolebar test CA (throwaway)',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  openssl(['req', ...ec, '-keyout', file('host.key'), '-out', file('host.csr'), '-subj', `/CN=${hosts[0]}`]);
  // Strict verifiers (Python 3.13's VERIFY_X509_STRICT) want the key identifiers and usages spelled out.
  writeFileSync(
    file('host.ext'),
    [
      `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      '',
    ].join('\n'),
  );
  openssl([
    'x509', '-req', '-in', file('host.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-out', file('host.pem'), '-days', '2', '-extfile', file('host.ext'),
  ]); // prettier-ignore
  return { ca: file('ca.pem'), key: readFileSync(file('host.key')), cert: readFileSync(file('host.pem')) };
}

/**
 * Starts the proxy on 127.0.0.1. Only CONNECTs to the covered STS hosts on port 443 are answered; anything else
 * is refused with 403, so a client that strays (to IMDS, to another service) fails loudly instead of leaving.
 */
export async function startAwsProxy(options: AwsProxyOptions): Promise<AwsProxy> {
  const target = new URL(options.target);
  const hosts = [
    'sts.amazonaws.com',
    ...(options.regions ?? ['us-east-1', 'us-west-2', 'eu-west-1']).map((r) => `sts.${r}.amazonaws.com`),
  ];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-aws-proxy-'));
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  try {
    const { ca, key, cert } = makeCertificates(dir, hosts);
    const server = createServer((_req, res) => res.writeHead(405).end('CONNECT only\n'));
    server.on('connect', (req, client: Socket, head: Buffer) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.on('error', () => client.destroy());
      const wanted = req.url ?? '';
      seen.push(wanted);
      const [host, port] = wanted.split(':');
      if (port !== '443' || host === undefined || !hosts.includes(host)) {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) client.unshift(head);
      const tls = new TLSSocket(client, { isServer: true, key, cert });
      const upstream = connect(Number(target.port), target.hostname);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      const end = () => {
        tls.destroy();
        upstream.destroy();
      };
      tls.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      tls.pipe(upstream).pipe(tls);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      env: { HTTPS_PROXY: url, https_proxy: url, AWS_CA_BUNDLE: ca, NO_PROXY: '', no_proxy: '' },
      connects: () => [...seen],
      async close() {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
