// TLS material for the OP's mutual-TLS listener (RFC 8705), made with the openssl command at
// start-up so no key lives in the repository: a test CA, the listener's certificate for
// 127.0.0.1, a CA-signed client certificate (CN=mtls-app, for tls_client_auth) and a
// self-signed one (CN=self-mtls-app, for self_signed_tls_client_auth).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function openssl(args, dir) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function keyAndRequest(dir, name, subject) {
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject], dir);
}

function signByCa(dir, name, extensions) {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem',
    '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`], dir);
}

export function makeTlsMaterial() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth-desk-op-tls-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=OAuth Desk test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
  keyAndRequest(dir, 'server', '/CN=127.0.0.1');
  signByCa(dir, 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  keyAndRequest(dir, 'client', '/CN=mtls-app');
  signByCa(dir, 'client', 'extendedKeyUsage=clientAuth\n');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'self-key.pem', '-out', 'self.pem', '-days', '2', '-subj', '/CN=self-mtls-app'], dir);
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  const files = Object.fromEntries(
    ['ca.pem', 'server.pem', 'server-key.pem', 'client.pem', 'client-key.pem', 'self.pem', 'self-key.pem']
      .map((f) => [f, read(f)]),
  );
  fs.rmSync(dir, { recursive: true, force: true });
  const self = new crypto.X509Certificate(files['self.pem']);
  // The self-signed certificate as the client registers it: a JWK with its x5c.
  const selfJwk = { ...self.publicKey.export({ format: 'jwk' }), x5c: [self.raw.toString('base64')] };
  return { files, selfJwk };
}
