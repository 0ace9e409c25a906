/**
 * Small pure pieces of the host side, run in the extension host (some import vscode): labels, time formatting,
 * Markdown escaping of untrusted text, JWT finding, export rendering, settings sanitising and the run store.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exportJson, exportMarkdown } from '../../src/extension/exportTrace';
import { RunStore, audienceLabel } from '../../src/extension/runStore';
import { readSettings, authorityHostOf, splitSecretVariables } from '../../src/extension/settings';
import { findJwt } from '../../src/extension/findJwt';
import { remaining } from '../../src/shared/expiry';
import { tokenTreeItem } from '../../src/extension/views/tokensTree';
import { TokenStatusBar } from '../../src/extension/views/statusBar';
import { buildSnapshot } from '../../src/extension/inspector/snapshot';
import { mdEscape } from '../../src/extension/markdown';
import { Commands } from '../../src/extension/constants';
import { engine, setSetting } from './helpers';
import type { ChainResult, SecretValue, TokenSummary } from '../../src/core/index';

function secret(v: string): SecretValue {
  return {
    reveal: () => v,
    length: v.length,
    toJSON: () => '[REDACTED]',
    toString: () => '[REDACTED]',
  } as unknown as SecretValue;
}

function summary(over: Partial<TokenSummary> = {}): TokenSummary {
  return {
    credential: 'X',
    scope: 'https://management.azure.com/.default',
    tokenType: 'Bearer',
    expiresOn: '',
    expiresOnEpochMs: Date.now() + 3600_000,
    fromCache: false,
    fingerprint: 'abcdefabcdef',
    audience: 'https://management.azure.com',
    ...over,
  };
}

suite('host-side units', () => {
  test('audience labels: known APIs by URI or app id, others shortened', () => {
    assert.equal(audienceLabel({ audience: 'https://management.core.windows.net/', scope: '' }), 'ARM token');
    assert.equal(audienceLabel({ audience: '00000003-0000-0000-c000-000000000000', scope: '' }), 'Graph token');
    assert.equal(audienceLabel({ audience: undefined, scope: 'https://vault.azure.net/.default' }), 'Key Vault token');
    assert.equal(audienceLabel({ audience: 'api://my-app', scope: '' }), 'my-app token');
    assert.equal(audienceLabel({ audience: `https://${'x'.repeat(100)}.example.com`, scope: '' }).length <= 31, true);
    assert.equal(audienceLabel({ audience: undefined, scope: '' }), 'Token');
    assert.equal(audienceLabel({ audience: '', scope: 'api://x/.default' }), 'x token');
  });

  test('one token reads the same on every face: CLI (decode, chain), Tokens tree, status bar and inspector list', () => {
    const store = new RunStore();
    const bar = new TokenStatusBar(store);
    try {
      // Half a minute from a minute boundary, so the faces rendered a few milliseconds apart agree.
      for (const [offset, expected] of [
        [52 * 60_000 + 30_000, '52m left'],
        [2 * 60_000 + 30_000, '2m left'],
        [26 * 3_600_000 + 30_000, '1d 02h left'],
      ] as const) {
        const now = Date.now();
        const exp = Math.floor((now + offset) / 1000) * 1000;
        const id = store.addToken(
          'acquired',
          summary({ expiresOnEpochMs: exp, fingerprint: `f${offset}` }),
          secret('x'),
        );
        const info = store.token(id)!;
        const texts = {
          shared: remaining(exp, now).text,
          cli: engine().tokenExpiry({ exp: exp / 1000 }, { now }).remainingText,
          tree: String(tokenTreeItem(info, true, now).description).split(' · ')[0],
          statusBar: (bar.update(now), bar.text.split(' · ').slice(1).join(' · ')),
          inspectorList: remaining(
            buildSnapshot({ store: store.snapshot(), now }).tokens.find((t) => t.id === id)!.expiresOnEpochMs,
            now,
          ).text,
        };
        assert.deepEqual(new Set(Object.values(texts)), new Set([expected]), JSON.stringify(texts));
      }
    } finally {
      bar.dispose();
      store.dispose();
    }
  });

  test('Markdown escaping keeps untrusted claim text inert', () => {
    const hostile = '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> `x` *y*\nnext';
    const md = mdEscape(hostile);
    assert.ok(!/(^|[^\\])\[click\]\(/.test(md), md);
    assert.ok(!md.includes('\n'));
    assert.ok(!/(^|[^\\])</.test(md));
    const rendered = new vscode.MarkdownString(md);
    assert.equal(rendered.isTrusted, undefined);
  });

  test('findJwt finds a JWT (or JWE) inside text and ignores look-alikes', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln';
    assert.equal(findJwt(`Authorization: Bearer ${jwt}\n`), jwt);
    assert.equal(findJwt('eyJ.eyJ.x'), undefined);
    assert.equal(findJwt('no token here'), undefined);
    assert.equal(findJwt('x'.repeat(100_000)), undefined);
    const jwe = 'eyJhbGciOiJSU0EtT0FFUCJ9.AAAA.BBBB.CCCC.DDDD';
    assert.equal(findJwt(jwe), jwe);
  });

  test('exports escape table cells and carry no raw token', () => {
    const store = new RunStore();
    const result: ChainResult = {
      mode: 'sequential',
      profile: 'go',
      scope: 'https://management.azure.com/.default',
      selection: { source: 'default', credentials: ['EnvironmentCredential'], reason: 'default' },
      winner: 'EnvironmentCredential',
      steps: [
        {
          credential: 'EnvironmentCredential',
          outcome: 'success',
          message: 'a | b\nc',
          durationMs: 12,
          errorCodes: [],
          events: [],
        },
      ],
      token: summary(),
      error: null,
      startedAt: new Date().toISOString(),
      durationMs: 13,
    };
    store.addRun(result, secret('RAW-TOKEN-VALUE-123'), { credential: 'chain', scopes: [result.scope] });
    const md = exportMarkdown(store.snapshot());
    assert.match(md, /\| 1 \| EnvironmentCredential \| success \| 12 ms \| a \\\| b c \|/);
    const json = exportJson(store.snapshot());
    assert.ok(!md.includes('RAW-TOKEN-VALUE-123') && !json.includes('RAW-TOKEN-VALUE-123'));
    assert.equal((JSON.parse(json) as { tokens: { fingerprint: string }[] }).tokens[0]?.fingerprint, 'abcdefabcdef');
    store.dispose();
  });

  test('run store: snapshot is plain data without secrets; selection, active token and clearing behave', () => {
    const store = new RunStore();
    let changes = 0;
    store.onDidChange(() => changes++);
    const acquired = store.addToken('acquired', summary({ fingerprint: 'aaaaaaaaaaaa' }), secret('SECRET-ONE'), {
      credential: 'chain',
      scopes: ['s'],
    });
    const decoded = store.addToken(
      'decoded',
      summary({ fingerprint: 'bbbbbbbbbbbb', audience: 'https://graph.microsoft.com' }),
      secret('SECRET-TWO'),
    );
    assert.equal(store.activeToken()?.id, acquired, 'a decoded token does not take over');
    assert.deepEqual(store.snapshot().selection, { kind: 'token', id: decoded });
    const text = JSON.stringify(store.snapshot());
    assert.ok(!text.includes('SECRET-ONE') && !text.includes('SECRET-TWO'));
    assert.equal(store.revealToken(acquired), 'SECRET-ONE');
    store.select({ kind: 'run', id: 'does-not-exist' });
    assert.deepEqual(store.snapshot().selection, { kind: 'token', id: decoded }, 'unknown selections are ignored');
    // Same token again replaces its entry.
    store.addToken('acquired', summary({ fingerprint: 'aaaaaaaaaaaa' }), secret('SECRET-ONE'));
    assert.equal(store.snapshot().tokens.filter((t) => t.summary.fingerprint === 'aaaaaaaaaaaa').length, 1);
    assert.equal(store.activeToken()?.summary.fingerprint, 'aaaaaaaaaaaa', 'the new entry is the status-bar token');
    store.pin(decoded);
    assert.equal(store.activeToken()?.id, decoded, 'unless the user pins it');
    store.clearTokens();
    assert.equal(store.revealToken(acquired), undefined);
    assert.equal(store.snapshot().activeTokenId, null);
    assert.equal(changes, 5, 'one change event per effective change; an ignored selection fires none');
    store.dispose();
  });

  test('run store: a later success retires the last error (the inspector stops leading with it)', () => {
    const store = new RunStore();
    store.setError({
      source: 'Acquire Token',
      error: { kind: 'aadsts', message: 'AADSTS7000215: Invalid client secret provided.', errorCodes: [7000215] },
    });
    assert.ok(store.snapshot().lastError);
    store.addToken('decoded', summary({ fingerprint: 'cccccccccccc' }), secret('SECRET-THREE'));
    assert.ok(store.snapshot().lastError, 'decoding a token is not a success of anything');
    const result: ChainResult = {
      mode: 'sequential',
      profile: 'go',
      scope: 'https://management.azure.com/.default',
      selection: { source: 'default', credentials: ['EnvironmentCredential'], reason: 'default' },
      winner: 'EnvironmentCredential',
      steps: [
        {
          credential: 'EnvironmentCredential',
          outcome: 'success',
          message: 'ok',
          durationMs: 12,
          errorCodes: [],
          events: [],
        },
      ],
      token: summary(),
      error: null,
      startedAt: new Date().toISOString(),
      durationMs: 13,
    };
    store.addRun({ ...result, winner: null, token: null, error: { kind: 'unknown', message: 'no', errorCodes: [] } });
    assert.ok(store.snapshot().lastError, 'a failed run keeps it');
    store.addRun(result, secret('RAW'), { credential: 'chain', scopes: [result.scope] });
    assert.equal(store.snapshot().lastError, null, 'a successful run clears it');
    store.setError({ source: 'again', error: { kind: 'network', message: 'ECONNREFUSED', errorCodes: [] } });
    store.addToken('vscode-account', summary({ fingerprint: 'dddddddddddd' }), secret('SECRET-FOUR'));
    assert.equal(store.snapshot().lastError, null, 'so does a token acquired with the VS Code account');
    store.dispose();
  });

  test('run store caps what it keeps (50 tokens, 20 runs)', () => {
    const store = new RunStore();
    for (let i = 0; i < 60; i++)
      store.addToken('decoded', summary({ fingerprint: `f${String(i).padStart(11, '0')}` }), secret(`tok-${i}`));
    assert.equal(store.snapshot().tokens.length, 50);
    store.dispose();
  });

  test('settings are sanitised: bad types fall back to defaults, environment keys are validated', async () => {
    try {
      await setSetting('chain.stepTimeoutMs', -5);
      await setSetting('chain.mode', 'sideways');
      await setSetting('chain.environment', { GOOD_NAME: 'v', 'bad name': 'x', ALSO_BAD: { nested: true }, NUM: 5 });
      await setSetting('authority.cloud', 'custom');
      await setSetting('authority.host', 'https://login.example.com///');
      const s = readSettings();
      assert.equal(s.stepTimeoutMs, 30000);
      assert.equal(s.mode, 'sequential');
      assert.deepEqual(s.environment, { GOOD_NAME: 'v', NUM: '5' });
      assert.equal(authorityHostOf(s), 'https://login.example.com');
    } finally {
      for (const k of ['chain.stepTimeoutMs', 'chain.mode', 'chain.environment', 'authority.cloud', 'authority.host'])
        await setSetting(k, undefined);
    }
    assert.equal(authorityHostOf(readSettings()), 'https://login.microsoftonline.com');
  });

  test('Set Chain Environment Secret… accepts every secret variable the engine reads and any other name the core calls secret, and refuses the rest', async () => {
    const exec = <T>(id: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(id, ...args) as Promise<T>;
    const known = [...engine().SECRET_ENV_VARS];
    for (const n of [
      'AZURE_CLIENT_SECRET',
      'AZURE_PASSWORD',
      'AZURE_CLIENT_CERTIFICATE_PASSWORD',
      'IDENTITY_HEADER',
      'MSI_SECRET',
    ])
      assert.ok(known.includes(n), n);
    const names = [...known, 'MY_API_KEY', 'SERVICE_PASSWORD'];
    try {
      for (const n of names)
        assert.equal(await exec(Commands.setChainSecret, { name: n, value: `value-of-${n}`, quiet: true }), n);
    } finally {
      for (const n of names) await exec(Commands.setChainSecret, { name: n, value: '', quiet: true });
    }
    for (const n of ['AZURE_CLIENT_ID', 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT', 'bad name'])
      assert.equal(await exec(Commands.setChainSecret, { name: n, value: 'x', quiet: true }), undefined, n);
  });

  test('chain.environment: the secret variables the new command offers are secret to the core, and the core decides what settings may not supply', () => {
    const { isSecretName } = engine();
    const { kept, ignored } = splitSecretVariables(
      {
        AZURE_TENANT_ID: 't',
        AZURE_CLIENT_ID: 'c',
        IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi',
        AZURE_TOKEN_CREDENTIALS: 'dev',
        AZURE_CLIENT_SECRET: 's1',
        AZURE_PASSWORD: 'p1',
        AZURE_CLIENT_CERTIFICATE_PASSWORD: 'c1',
        MY_API_KEY: 'k1',
      },
      isSecretName,
    );
    assert.deepEqual(kept, {
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'c',
      IDENTITY_ENDPOINT: 'http://127.0.0.1:1/msi',
      AZURE_TOKEN_CREDENTIALS: 'dev',
    });
    assert.deepEqual(ignored, [
      'AZURE_CLIENT_CERTIFICATE_PASSWORD',
      'AZURE_CLIENT_SECRET',
      'AZURE_PASSWORD',
      'MY_API_KEY',
    ]);
  });
});
