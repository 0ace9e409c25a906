/**
 * Bounded, synchronous reads of local files under an overridable root. Every path is given as the process sees it
 * ("/sys/class/dmi/id/sys_vendor"); the root ("/" in real use, a fixture directory in tests) is prefixed here and
 * only here. Nothing throws: a file that cannot be read is reported as absent or unreadable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileInfo {
  exists: boolean;
  isFile: boolean;
  isDirectory: boolean;
  size: number;
  executable: boolean;
}

const ABSENT: FileInfo = { exists: false, isFile: false, isDirectory: false, size: 0, executable: false };

export class LocalFs {
  readonly root: string;
  readonly platform: NodeJS.Platform;
  constructor(root: string, platform: NodeJS.Platform) {
    this.root = root;
    this.platform = platform;
  }

  /** Maps a path as the process sees it to the real path under the root. */
  resolve(p: string): string {
    if (this.root === '/' || this.root === '') return p;
    // Windows drive paths under a fixture root: C:\x\y → <root>/C/x/y
    const drive = /^([A-Za-z]):[\\/]/.exec(p);
    const rel = drive ? `${drive[1]}/${p.slice(3)}` : p;
    const parts = rel.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..');
    return path.join(this.root, ...parts);
  }

  info(p: string): FileInfo {
    try {
      const st = fs.statSync(this.resolve(p));
      let executable = false;
      if (st.isFile()) {
        if (this.platform === 'win32') executable = true;
        else executable = (st.mode & 0o111) !== 0;
      }
      return { exists: true, isFile: st.isFile(), isDirectory: st.isDirectory(), size: st.size, executable };
    } catch {
      return ABSENT;
    }
  }

  exists(p: string): boolean {
    return this.info(p).exists;
  }

  /** Reads at most maxBytes of a file as UTF-8; null when absent or unreadable. */
  readText(p: string, maxBytes = 64 * 1024): string | null {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.resolve(p), 'r');
      const buf = Buffer.alloc(maxBytes);
      let total = 0;
      while (total < maxBytes) {
        const n = fs.readSync(fd, buf, total, maxBytes - total, null);
        if (n === 0) break;
        total += n;
      }
      return buf.subarray(0, total).toString('utf8');
    } catch {
      return null;
    } finally {
      if (fd !== undefined) {
        try {
          fs.closeSync(fd);
        } catch {
          /* already closed */
        }
      }
    }
  }

  /** A one-line file (DMI attributes, /etc/hostname) trimmed, or null. */
  readLine(p: string): string | null {
    const t = this.readText(p, 4096);
    if (t === null) return null;
    return t.split(/\r?\n/)[0]!.trim();
  }
}
