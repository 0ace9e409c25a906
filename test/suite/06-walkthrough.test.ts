/**
 * The first-use walkthrough: every step is completed by, and offers buttons for, commands this extension registers, and
 * shows Markdown that ships with it. A renamed command or a missing step file fails here, not in a user's Get Started.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/extension/constants';
import { api, extensionPath } from './helpers';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}

suite('walkthrough', () => {
  test("each step's completion events and buttons are registered commands, and its Markdown ships", async () => {
    await api();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const walkthroughs = (ext.packageJSON as { contributes: { walkthroughs: { id: string; steps: Step[] }[] } })
      .contributes.walkthroughs;
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0]!.steps;
    assert.deepEqual(
      steps.map((s) => s.id),
      ['startSandbox', 'runChain', 'inspectToken', 'explainError', 'tryToken'],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    const nls = JSON.parse(fs.readFileSync(path.join(extensionPath(), 'package.nls.json'), 'utf8')) as Record<
      string,
      string
    >;
    for (const step of steps) {
      assert.ok(step.completionEvents.length > 0, `${step.id}: a step the user can complete`);
      for (const event of step.completionEvents) {
        const m = /^onCommand:(.+)$/.exec(event);
        assert.ok(m, `${step.id}: ${event} is bound to a command`);
        assert.ok(registered.has(m[1]!), `${step.id}: ${m[1]} is a registered command`);
      }
      // The manifest as VS Code read it has the %keys% resolved; check the source strings too.
      const description = nls[step.description.replace(/^%|%$/g, '')] ?? step.description;
      const buttons = [...description.matchAll(/\(command:([\w.]+)\)/g)].map((b) => b[1]!);
      assert.ok(buttons.length > 0, `${step.id}: the description offers a button`);
      for (const b of buttons) assert.ok(registered.has(b), `${step.id}: button ${b} is a registered command`);
      for (const b of buttons)
        assert.ok(step.completionEvents.includes(`onCommand:${b}`), `${step.id}: pressing ${b} completes the step`);
      const md = step.media.markdown;
      assert.ok(md, `${step.id}: Markdown media`);
      assert.ok(fs.existsSync(path.join(extensionPath(), md)), `${step.id}: ${md} exists in the extension`);
    }
  });
});
