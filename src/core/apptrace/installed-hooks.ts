/**
 * The hooks installed next to the CLI bundle (`<dist>/hooks/`), for `bin/azauth run`: the shell launcher points the
 * program at them before any Node process is up, so they cannot be written per run as runTraced writes its own. The
 * build writes them from the same texts (esbuild.mjs); they hold no secret and are read-only to the program.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PYTHON_HOOK } from './logging-env';
import { NODE_HOOK, NODE_HOOK_FILE } from './node-hook';
import type { InstalledHooks } from './run';

/** Where the hooks of the CLI bundle in `dir` are (bin/azauth computes the same paths). */
export function installedHooks(dir: string): InstalledHooks {
  const root = path.join(dir, 'hooks');
  return { nodeHook: path.join(root, NODE_HOOK_FILE), pythonDir: path.join(root, 'python') };
}

/** Writes the hooks next to the CLI bundle in `dir` (the build does this); the Python folder holds nothing else. */
export function installHooks(dir: string): InstalledHooks {
  const hooks = installedHooks(dir);
  mkdirSync(hooks.pythonDir, { recursive: true });
  writeFileSync(hooks.nodeHook, NODE_HOOK, { mode: 0o644 });
  writeFileSync(path.join(hooks.pythonDir, 'sitecustomize.py'), PYTHON_HOOK, { mode: 0o644 });
  return hooks;
}
