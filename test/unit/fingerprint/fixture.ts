/** Builds fake machines under a temporary root: DMI files, agent files, mounted tokens, executables on PATH. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AZURE_CHASSIS_ASSET_TAG } from '../../../src/core/fingerprint';

export class FakeMachine {
  readonly root: string;
  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'azauth-fp-'));
  }
  file(p: string, content: string | Buffer = '', mode = 0o644): this {
    const real = path.join(this.root, p);
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.writeFileSync(real, content, { mode });
    fs.chmodSync(real, mode);
    return this;
  }
  dir(p: string): this {
    fs.mkdirSync(path.join(this.root, p), { recursive: true });
    return this;
  }
  exe(p: string): this {
    return this.file(p, '#!/bin/sh\nexit 0\n', 0o755);
  }
  azureVm(): this {
    return this.file('/sys/class/dmi/id/sys_vendor', 'Microsoft Corporation\n')
      .file('/sys/class/dmi/id/product_name', 'Virtual Machine\n')
      .file('/sys/class/dmi/id/chassis_asset_tag', AZURE_CHASSIS_ASSET_TAG + '\n');
  }
  hyperV(): this {
    return this.file('/sys/class/dmi/id/sys_vendor', 'Microsoft Corporation\n')
      .file('/sys/class/dmi/id/product_name', 'Virtual Machine\n')
      .file('/sys/class/dmi/id/chassis_asset_tag', 'None\n');
  }
  laptop(): this {
    return this.file('/sys/class/dmi/id/sys_vendor', 'LENOVO\n')
      .file('/sys/class/dmi/id/product_name', '20XW0055GE\n')
      .file('/sys/class/dmi/id/chassis_asset_tag', 'No Asset Information\n');
  }
  serviceAccount(namespace = 'default'): this {
    return this.file(
      '/var/run/secrets/kubernetes.io/serviceaccount/token',
      jwt({ iss: 'https://kubernetes.default.svc', sub: 'system:serviceaccount:default:default' }),
    ).file('/var/run/secrets/kubernetes.io/serviceaccount/namespace', namespace);
  }
  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** An unsigned-looking JWT (signature bytes are junk): the fingerprint only decodes, never verifies. */
export function jwt(payload: Record<string, unknown>): string {
  return `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(payload)}.${Buffer.from('sig').toString('base64url')}`;
}

export const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);
