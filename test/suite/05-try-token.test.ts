/**
 * "Try Token Against Resource…" in the extension host, against the in-process sandbox's resource stand-ins: a Key
 * Vault token from the confidential app drawn from the run store, sent to the RBAC vault preset — the 403 is
 * explained (ForbiddenByRbac, the principal matches, the az role assignment line), the raw token appears nowhere in
 * the result or the log, and the result document opens.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/constants';
import type { AcquireOutcome, SandboxHandle } from '../../src/extension/host';
import type { ResourceCallResult } from '../../src/core/index';
import { api } from './helpers';

// Sandbox fixtures (documented demo values, not secrets): see src/sandbox/config.ts DEMO.
const CONFIDENTIAL_CLIENT = 'c0ffee00-0000-4000-8000-000000000001';
const CONFIDENTIAL_SECRET = 'sandbox-secret-value-1';
const SANDBOX_TENANT = '5b0f1a2c-3d4e-4f60-8a7b-9c0d1e2f3a4b';

function exec<T>(id: string, ...args: unknown[]): Promise<T> {
  return vscode.commands.executeCommand<T>(id, ...args) as Promise<T>;
}

suite('try a token against a resource', function () {
  this.timeout(120000);
  let sandbox: SandboxHandle | undefined;

  suiteSetup(async () => {
    sandbox = await exec<SandboxHandle>(Commands.startSandbox, { port: 0 });
  });

  suiteTeardown(async () => {
    if (sandbox) await exec(Commands.stopSandbox);
  });

  test('a Key Vault token against the RBAC vault: the 403 explained with the fix, the token nowhere in the output', async () => {
    const got = await exec<AcquireOutcome>(Commands.acquireToken, {
      credential: 'ClientSecretCredential',
      scope: 'https://vault.azure.net/.default',
      tenantId: SANDBOX_TENANT,
      clientId: CONFIDENTIAL_CLIENT,
      secret: CONFIDENTIAL_SECRET,
      saveSecret: false,
      noInspector: true,
    });
    assert.ok(got.tokenId, 'a token is in the store');
    const a = await api();
    const raw = a.store.revealToken(got.tokenId!)!;
    const oid = String(JSON.parse(Buffer.from(raw.split('.')[1]!, 'base64url').toString()).oid);
    const r = await exec<ResourceCallResult>(Commands.tryToken, { tokenId: got.tokenId, preset: 'keyvault-secrets' });
    assert.equal(r.response.status, 403);
    assert.equal(r.explanation.body.innerCode, 'ForbiddenByRbac');
    assert.equal(r.explanation.classification, 'permission');
    assert.equal(r.explanation.findings.find((f) => f.check === 'principal')?.verdict, 'ok');
    assert.ok(
      r.explanation.fixes[0]!.startsWith(
        `\`az role assignment create --assignee ${oid} --role "Key Vault Secrets User" --scope "/subscriptions/`,
      ),
      r.explanation.fixes[0],
    );
    assert.ok(!JSON.stringify(r).includes(raw));
    assert.ok(!a.logLines().some((l) => l.includes(raw)));
    assert.ok(a.logLines().some((l) => l.includes('[call]') && l.includes('403')));
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc?.getText().includes('Forbidden / ForbiddenByRbac (permission)'));
    assert.ok(!doc?.getText().includes(raw));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('the same token against ARM: the audience cross-check and "request a token for https://management.azure.com"', async () => {
    const a = await api();
    const r = await exec<ResourceCallResult>(Commands.tryToken, {
      tokenId: a.store.activeToken()?.id,
      preset: 'arm-subscriptions',
      noDocument: true,
    });
    assert.equal(r.response.status, 401);
    assert.equal(r.explanation.classification, 'audience');
    assert.equal(r.explanation.findings.find((f) => f.check === 'audience')?.verdict, 'problem');
    assert.match(r.explanation.fixes[0]!, /Request a token for https:\/\/management\.azure\.com/);
  });
});
