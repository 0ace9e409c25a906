/** The folder holding the Python logging hook (sitecustomize.py) that debug sessions and terminals put on PYTHONPATH. */
import type * as vscode from 'vscode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEngine } from '../engine';

export class PythonHook implements vscode.Disposable {
  private dir: string | undefined;

  /** Written on first use (loads the engine), then the same folder for the whole activation. */
  path(): string {
    if (!this.dir) {
      this.dir = mkdtempSync(path.join(tmpdir(), 'azauth-hook-'));
      loadEngine().writePythonHook(this.dir);
    }
    return this.dir;
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
