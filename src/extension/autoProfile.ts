/**
 * `chain.profile: "auto"`: the workspace decides. The engine reads each folder's lock and manifest files
 * (src/core/sdk/detect.ts); one SDK release found → that one; several → the user picks (remembered until the set of
 * releases found changes); none → the Go profile, said in the log.
 */
import * as vscode from 'vscode';
import { loadEngine } from './engine';
import type { Logger } from './log';

let remembered: { key: string; profile: string } | undefined;

/** The profile to run, or undefined when the user dismissed the choice. */
export async function autoProfile(log: Logger): Promise<string | undefined> {
  const { detectSdk } = loadEngine();
  const found: { profile: string; where: string; text: string; note?: string }[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const d = await detectSdk(folder.uri.fsPath);
    for (const p of d.problems) log.warn('chain', `profile auto: ${folder.name}/${p.file} not used: ${p.message}`);
    for (const x of d.found)
      found.push({ profile: x.profile, where: `${folder.name}/${x.file}:${x.line}`, text: x.text, note: x.note });
  }
  const unique = found.filter((f, i) => found.findIndex((g) => g.profile === f.profile) === i);
  if (!unique.length) {
    log.info('chain', 'profile auto: no Azure Identity package in the workspace’s lock or manifest files; using go');
    return 'go';
  }
  if (unique.length === 1) {
    log.info(
      'chain',
      `profile auto: ${unique[0].profile} from ${unique[0].where}: ${unique[0].text}${unique[0].note ? ` (${unique[0].note})` : ''}`,
    );
    return unique[0].profile;
  }
  const key = unique.map((u) => u.profile).join(',');
  if (remembered?.key === key) return remembered.profile;
  const pick = await vscode.window.showQuickPick(
    unique.map((u) => ({
      label: u.profile,
      description: u.where,
      detail: `${u.text}${u.note ? ` — ${u.note}` : ''}`,
      profile: u.profile,
    })),
    {
      title: 'This workspace uses several Azure Identity SDKs',
      placeHolder: 'Which one should the credential chain reproduce?',
      ignoreFocusOut: true,
    },
  );
  if (!pick) return undefined;
  remembered = { key, profile: pick.profile };
  log.info('chain', `profile auto: ${pick.profile} chosen from ${unique.length} found (${key})`);
  return pick.profile;
}
