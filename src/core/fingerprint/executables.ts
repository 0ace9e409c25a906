/**
 * Resolves an executable on a PATH the way a shell would, without spawning anything: the extension host's PATH
 * often differs from the terminal's, and "az not found" is answered here, before any credential runs.
 */
import type { LocalFs } from './localfs';

export function pathEntries(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): string[] {
  const raw = platform === 'win32' ? (env.PATH ?? env.Path ?? env.path ?? '') : (env.PATH ?? '');
  const sep = platform === 'win32' ? ';' : ':';
  return raw
    .split(sep)
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter((s) => s !== '')
    .slice(0, 256);
}

function join(dir: string, name: string, platform: NodeJS.Platform): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return dir.endsWith('/') || dir.endsWith('\\') ? dir + name : dir + sep + name;
}

/** The names tried for a command: on Windows each PATHEXT extension (az.cmd, azd.exe, pwsh.exe …). */
function candidates(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
): string[] {
  if (platform !== 'win32') return [name];
  const exts = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
  return exts.map((e) => name + e.toLowerCase());
}

export function resolveExecutable(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  fsx: LocalFs,
  override?: string,
): string | null {
  if (override) {
    const i = fsx.info(override);
    return i.isFile && i.executable ? override : null;
  }
  for (const dir of pathEntries(env, fsx.platform)) {
    // Relative PATH entries depend on the cwd of whoever spawns; the SDKs' execFile would use them, but we skip them.
    if (!(dir.startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir) || dir.startsWith('\\\\'))) continue;
    for (const c of candidates(name, env, fsx.platform)) {
      const full = join(dir, c, fsx.platform);
      const i = fsx.info(full);
      if (i.isFile && i.executable) return full;
    }
  }
  return null;
}
