// Certificates made by the `openssl` command line, as a government PKI would issue them: a
// self-signed root CA with an SM2 (SM3, default user id 1234567812345678), Ed25519 or P-256
// key, and CA or leaf certificates issued by such a root or by a CA it issued (P-256 unless
// another key is asked for). Each fixture lives in its own temporary folder, removed by
// `cleanup`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RootKind = 'sm2' | 'ed25519' | 'p256';

export interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CaOptions {
  /** Agency id to name in a `urn:zhengwu:agency:` URI; none when absent. */
  readonly agency?: string;
  /** basicConstraints cA; true unless set. */
  readonly ca?: boolean;
  /** keyUsage; 'keyCertSign,cRLSign' unless set. */
  readonly keyUsage?: string;
  readonly days?: number;
  /** SM2 only: sign with the default user id (true) or with OpenSSL's empty one (false). */
  readonly defaultId?: boolean;
  /** pathLenConstraint of a CA. */
  readonly pathLength?: number;
  /** `issue` only: the issued certificate's key; P-256 unless set. */
  readonly key?: RootKind;
}

const newKeyArgs: Readonly<Record<RootKind, readonly string[]>> = {
  sm2: ['-newkey', 'SM2'],
  ed25519: ['-newkey', 'ED25519'],
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
};

export class PkiFixtures {
  private readonly dir = mkdtempSync(join(tmpdir(), 'zw-pki-'));
  private count = 0;

  constructor() {
    // A minimal config, so that no extension comes from the machine's openssl.cnf.
    writeFileSync(join(this.dir, 'openssl.cnf'), '[req]\ndistinguished_name = dn\n[dn]\n');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A self-signed root of `kind`. */
  root(kind: RootKind, options: CaOptions = {}): Issued {
    const name = this.next();
    this.openssl(['req', '-x509', ...newKeyArgs[kind], '-nodes', '-keyout', `${name}.key`,
      '-out', `${name}.pem`, '-subj', `/CN=${kind} root ${name}/O=Test PKI`,
      '-days', String(options.days ?? 365), ...signArgs(kind, options),
      ...extensions(options).flatMap((extension) => ['-addext', extension])]);
    return this.read(name);
  }

  /**
   * A certificate (a CA unless options.ca is false; P-256 unless options.key says otherwise)
   * issued by `issuer`, whose key is of `kind`.
   */
  issue(issuer: Issued, kind: RootKind, options: CaOptions = {}): Issued {
    const name = this.next();
    writeFileSync(join(this.dir, `${name}.key.issuer`), issuer.keyPem);
    writeFileSync(join(this.dir, `${name}.pem.issuer`), issuer.certPem);
    writeFileSync(join(this.dir, `${name}.ext`), `${extensions(options).join('\n')}\n`);
    // An SM2 request is signed with SM3; OpenSSL checks it with the same id it signed with.
    const key = options.key ?? 'p256';
    this.openssl(['req', '-new', ...newKeyArgs[key], ...(key === 'sm2' ? ['-sm3'] : []),
      '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`,
      '-subj', `/CN=CA ${name}/O=Test PKI`]);
    this.openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${name}.pem.issuer`,
      '-CAkey', `${name}.key.issuer`, '-set_serial', String(1000 + this.count),
      '-days', String(options.days ?? 180), ...signArgs(kind, options),
      '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
    return this.read(name);
  }

  /** `openssl x509 -addtrust clientAuth -addtrust serverAuth -trustout` of a certificate. */
  trustedForPeers(certPem: string): string {
    const name = this.next();
    writeFileSync(join(this.dir, `${name}.in.pem`), certPem);
    this.openssl(['x509', '-in', `${name}.in.pem`, '-addtrust', 'clientAuth',
      '-addtrust', 'serverAuth', '-trustout', '-out', `${name}.pem`]);
    return readFileSync(join(this.dir, `${name}.pem`), 'utf8');
  }

  private next(): string {
    this.count += 1;
    return `c${this.count}`;
  }

  private read(name: string): Issued {
    return { certPem: readFileSync(join(this.dir, `${name}.pem`), 'utf8'),
      keyPem: readFileSync(join(this.dir, `${name}.key`), 'utf8') };
  }

  private openssl(args: readonly string[]): void {
    const config = args[0] === 'req' ? ['-config', 'openssl.cnf'] : [];
    execFileSync('openssl', [...args, ...config], { cwd: this.dir, stdio: 'pipe' });
  }
}

function signArgs(kind: RootKind, options: CaOptions): string[] {
  if (kind === 'sm2') {
    return options.defaultId === false ? ['-sm3']
      : ['-sm3', '-sigopt', 'distid:1234567812345678'];
  }
  return kind === 'p256' ? ['-sha256'] : [];
}

function extensions(options: CaOptions): string[] {
  const ca = options.ca ?? true;
  const constraints = ca
    ? `basicConstraints=critical,CA:TRUE${options.pathLength === undefined ? ''
      : `,pathlen:${options.pathLength}`}`
    : 'basicConstraints=critical,CA:FALSE';
  const usage = `keyUsage=critical,${options.keyUsage ?? (ca ? 'keyCertSign,cRLSign'
    : 'digitalSignature')}`;
  const name = options.agency === undefined ? []
    : [`subjectAltName=URI:urn:zhengwu:agency:${encodeURIComponent(options.agency)}`];
  return [constraints, usage, ...name];
}

/** The same certificate with one signature byte changed: it parses but does not verify. */
export function withBadSignature(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  const last = der.length - 1;
  der[last] = (der[last] ?? 0) ^ 0x01;
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
