// The benchmark's processes that open connections (the SDK and engine runners, the cache and latency scripts) refuse
// to run unless this process sits in a network namespace whose only interface is `lo`: there the scopes they name
// (https://management.azure.com/.default) are just strings, 169.254.169.254 is an address on `lo`, and the authority
// is the loopback sandbox — a mistake fails loudly instead of sending a packet off the machine.
import { readFileSync } from 'node:fs';

export function assertLoopbackOnly(what) {
  let ifaces = [];
  try {
    ifaces = readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0].trim())
      .filter(Boolean);
  } catch {
    ifaces = ['unknown'];
  }
  const others = ifaces.filter((n) => n !== 'lo');
  if (others.length) {
    process.stderr.write(
      `${what}: refusing to run outside a loopback-only network namespace (interfaces: ${others.join(', ')}); run it through npm run bench\n`,
    );
    process.exit(3);
  }
}
