#!/usr/bin/env node
// `npm start`: the main job in one command. Builds if needed, starts the sandbox tenant in this process (loopback
// only), then runs `azauth chain` against it three times:
//   1. a configuration in which the chain resolves (service principal secret in the environment),
//   2. the same machine seen as an Azure VM (IMDS), in diagnose mode: every credential at once, who would win and why,
//   3. a failing configuration explained: a wrong AZURE_CLIENT_SECRET stops the chain before a logged-in `az`.
// Every run uses a clean environment: your own AZURE_* variables and logins are never used, nothing leaves loopback.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const require = createRequire(import.meta.url);
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const bold = (s) => (color ? `\u001b[1m${s}\u001b[0m` : s);
const dim = (s) => (color ? `\u001b[2m${s}\u001b[0m` : s);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const outputs = ['dist/cli.js', 'dist/sandbox.js'];
  const missing = outputs.some((f) => !existsSync(f));
  const stale = !missing && newestMtime('src') > Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  if (!missing && !stale) return;
  console.log(
    dim(
      `[start] ${missing ? 'building' : 'sources changed: rebuilding'} (node esbuild.mjs --only=cli,sandbox,engine)…`,
    ),
  );
  const r = spawnSync(process.execPath, ['esbuild.mjs', '--only=cli,sandbox,engine'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('[start] the build failed; run `npm run build` to see why.');
    process.exit(1);
  }
}

/** Runs `node dist/cli.js chain …` with exactly this environment; resolves with its exit code. */
function azauthChain(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli.js', 'chain', ...args], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

function section(n, title, explain, command) {
  console.log(`\n${bold(`── ${n}. ${title} `.padEnd(100, '─'))}`);
  for (const line of explain) console.log(dim(`   ${line}`));
  console.log(`   ${bold('$')} ${command}\n`);
}

ensureBuilt();
const { startSandbox } = require(path.join(root, 'dist/sandbox.js'));
const sandbox = await startSandbox();
const c = sandbox.contract;
const app = c.apps.find((a) => a.kind === 'confidential' && a.clientSecret);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'azauth-start-'));
const fakeBin = path.join(scratch, 'bin');
mkdirSync(fakeBin);
symlinkSync(path.join(root, 'test/fixtures/bin/az'), path.join(fakeBin, 'az'));
const cleanPath = [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter);
// A clean environment: only what each scenario sets (no AZURE_* from your shell, a scratch HOME without logins).
// A fresh az config folder would make the real az check its version online first: tell it it is current.
writeFileSync(
  path.join(scratch, 'versionCheck.json'),
  JSON.stringify({ versions: { 'azure-cli': { local: '2.45.0' }, core: { local: '2.45.0' } } }),
);
// The demo never runs your real az (a third-party program that may go online): a stand-in az that is not logged
// in comes first on PATH, except in scenario 3, where the stand-in is logged in.
const base = {
  PATH: [fakeBin, cleanPath].join(path.delimiter),
  FAKE_AZ_MODE: 'not-logged-in',
  HOME: scratch,
  AZURE_CONFIG_DIR: scratch,
  AZURE_CORE_COLLECT_TELEMETRY: 'false',
  ...(process.env.NO_COLOR ? { NO_COLOR: process.env.NO_COLOR } : {}),
};
const common = ['--ca', c.caFile, '--authority-host', c.authorityHost, '--timeout', '10s'];
const imdsOff = ['--imds-endpoint', 'http://127.0.0.1:9'];

console.log(`${bold('Azure Auth Debugger')} — sandbox tenant ${c.tenantDomain} (${c.tenantId}) at ${c.authorityHost}`);
console.log(dim(`   CA ${c.caFile}; managed-identity endpoints on loopback; nothing here leaves this machine.`));

let failures = 0;
try {
  section(
    1,
    'A configuration that works: a service principal secret in the environment',
    [
      'AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET name an app of the sandbox tenant, so EnvironmentCredential',
      'gets a token from the sandbox and DefaultAzureCredential stops there.',
    ],
    `AZURE_TENANT_ID=${app.tenantId} AZURE_CLIENT_ID=${app.clientId} AZURE_CLIENT_SECRET=… azauth chain --ca ${path.basename(c.caFile)} --authority-host ${c.authorityHost}`,
  );
  const ok = await azauthChain([...common, ...imdsOff], {
    ...base,
    AZURE_TENANT_ID: app.tenantId,
    AZURE_CLIENT_ID: app.clientId,
    AZURE_CLIENT_SECRET: app.clientSecret,
  });
  if (ok !== 0) failures++;

  section(
    2,
    'The same chain on an "Azure VM": managed identity through IMDS, in diagnose mode (JavaScript SDK order)',
    [
      'No environment credential; the sandbox plays IMDS. Diagnose mode runs every credential at once and says which one',
      'DefaultAzureCredential would pick and why each earlier one did not win.',
    ],
    `azauth chain --mode diagnose --profile js --imds-endpoint ${c.managedIdentity.imds} …`,
  );
  const mi = await azauthChain(
    [...common, '--mode', 'diagnose', '--profile', 'js', '--imds-endpoint', c.managedIdentity.imds],
    { ...base },
  );
  if (mi !== 0) failures++;

  section(
    3,
    'A failing configuration, explained: a wrong AZURE_CLIENT_SECRET blocks a working `az login`',
    [
      'az is logged in here (a stand-in az from test/fixtures/bin), but AZURE_CLIENT_SECRET is wrong: EnvironmentCredential fails',
      'with an error — not "unavailable" — so DefaultAzureCredential stops before it ever asks az. This is what the SDKs do.',
    ],
    `AZURE_CLIENT_SECRET=not-the-secret … azauth chain …   # exit code 1`,
  );
  const bad = await azauthChain([...common, ...imdsOff], {
    ...base,
    FAKE_AZ_MODE: 'logged-in',
    AZURE_TENANT_ID: app.tenantId,
    AZURE_CLIENT_ID: app.clientId,
    AZURE_CLIENT_SECRET: 'not-the-secret-of-this-app',
  });
  if (bad !== 1) failures++;
} finally {
  await sandbox.close();
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`\n${bold('── Next ').padEnd(100, '─')}`);
console.log(
  `   Run the sandbox on its own:   node dist/cli.js sandbox          (prints the authority, CA file, apps, users, endpoints)`,
);
console.log(
  `   Run the chain against it:     node dist/cli.js chain --ca <caFile> --authority-host <authorityHost> [--mode diagnose] [--json]`,
);
console.log(
  `   On a real machine:            node dist/cli.js chain            (your own environment, az / azd logins and IMDS)`,
);
console.log(
  `   In VS Code, in your browser:  node scripts/vscode-demo.mjs     (the extension against the sandbox, nothing to install)`,
);
console.log(`   Everything else:              node dist/cli.js --help`);

// The offer: see the extension itself, in a browser-hosted VS Code against the sandbox, without installing anything.
if (process.stdin.isTTY && process.stdout.isTTY && !process.env.CI) {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = (
    await rl.question(
      `\n${bold('Open the extension in VS Code in your browser now')} (code-server on loopback, against the sandbox)? [y/N] `,
    )
  )
    .trim()
    .toLowerCase();
  rl.close();
  if (answer === 'y' || answer === 'yes') {
    const demo = spawn(process.execPath, [path.join(root, 'scripts/vscode-demo.mjs')], { stdio: 'inherit' });
    demo.on('exit', (code) => process.exit(code ?? 0));
    process.on('SIGINT', () => demo.kill('SIGINT'));
  } else {
    process.exit(failures ? 1 : 0);
  }
} else {
  process.exit(failures ? 1 : 0);
}
