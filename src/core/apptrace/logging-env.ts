/**
 * The switches that make each SDK log its credential chain, as environment variables (plus, for Python, an import
 * hook on PYTHONPATH — Python's logging has no environment switch). Nothing else in the program's environment
 * changes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PYTHON_HOOK_LOGGER } from './readers/python';
import type { SdkId } from './types';

export const ALL_SDKS: readonly SdkId[] = ['js', 'python', 'go', 'dotnet', 'java'];

export function isSdkId(s: string): s is SdkId {
  return (ALL_SDKS as readonly string[]).includes(s);
}

/**
 * The hook: configures the azure.identity logger (DEBUG, with tracebacks) and the azure.core HTTP logging policy
 * (INFO) to print in the format the Python reader expects, names the installed azure-identity once, and then runs any
 * sitecustomize the program had (ours must not hide it). Under `azauth run` (AZAUTH_TRACE_FD names an inherited pipe)
 * each record goes to that channel as the Node hook's do (./node-hook.ts), whole, instead of stderr; elsewhere (a debug
 * session) to stderr.
 */
export const PYTHON_HOOK = `# azauth run: switches on the azure.identity / azure.core loggers of this program (to azauth's pipe or stderr).
import logging as _l, sys as _s, os as _o

def _azauth_channel():
    # The pipe azauth run reads (never inherited further: the variable leaves this program's environment).
    fd = _o.environ.pop('AZAUTH_TRACE_FD', None)
    try:
        import stat
        fd = int(fd)
        mode = _o.fstat(fd).st_mode
        return fd if fd >= 3 and (stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode)) else None
    except Exception:
        return None

class _AzauthChannel(_l.Handler):
    def __init__(self, fd):
        _l.Handler.__init__(self)
        self.fd = fd

    def emit(self, record):
        try:
            import json
            data = (json.dumps([int(record.created * 1000), self.format(record)]) + '\\n').encode('utf-8', 'replace')
            while data:
                data = data[_o.write(self.fd, data):]
        except Exception:
            self.handleError(record)

def _azauth_hook():
    fmt = _l.Formatter('%(asctime)s %(name)s %(levelname)s %(message)s')
    fd = _azauth_channel()
    h = _AzauthChannel(fd) if fd is not None else _l.StreamHandler(_s.stderr)
    h.setFormatter(fmt)
    said = []

    class _Once(_l.Filter):
        def filter(self, record):
            if not said:
                said.append(1)
                try:
                    from importlib.metadata import version
                    v = version('azure-identity')
                except Exception:
                    v = None
                if v:
                    _l.getLogger('${PYTHON_HOOK_LOGGER}').info('azure-identity %s', v)
            return True

    h.addFilter(_Once())
    for name, level in (('azure.identity', _l.DEBUG), ('azure.core.pipeline.policies.http_logging_policy', _l.INFO)):
        lg = _l.getLogger(name)
        lg.setLevel(level)
        lg.addHandler(h)
    own = _l.getLogger('${PYTHON_HOOK_LOGGER}')
    own.setLevel(_l.INFO)
    own.addHandler(h)
    own.propagate = False

    here = _o.path.dirname(_o.path.abspath(__file__))
    try:
        from importlib.machinery import PathFinder
        spec = PathFinder.find_spec('sitecustomize', [p for p in _s.path if _o.path.abspath(p or '.') != here])
        if spec and spec.loader:
            import importlib.util as _u
            mod = _u.module_from_spec(spec)
            spec.loader.exec_module(mod)
    except Exception:
        pass

try:
    _azauth_hook()
except Exception:
    pass
`;

/** Writes the Python hook into `dir` (created if needed) and returns the folder to put first on PYTHONPATH. */
export function writePythonHook(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'sitecustomize.py'), PYTHON_HOOK, { mode: 0o600 });
  return dir;
}

export interface LoggingEnvOptions {
  sdks?: readonly SdkId[];
  /** Folder holding the Python hook (see writePythonHook); required for Python. */
  pythonHookDir?: string;
  /** JS / Java log level: 'info' (default) or 'verbose'. */
  level?: 'info' | 'verbose';
}

/**
 * The variables to add: @azure/identity and Java read AZURE_LOG_LEVEL, azidentity AZURE_SDK_GO_LOGGING=all,
 * Python gets the hook on PYTHONPATH (before the program's own entries). .NET has no environment switch: its
 * console format is read when the program creates AzureEventSourceListener.CreateConsoleLogger() itself.
 */
export function loggingEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  options: LoggingEnvOptions = {},
): Record<string, string> {
  const sdks = options.sdks ?? ALL_SDKS;
  const add: Record<string, string> = {};
  if (sdks.includes('js') || sdks.includes('java')) add.AZURE_LOG_LEVEL = options.level ?? 'info';
  if (sdks.includes('go')) add.AZURE_SDK_GO_LOGGING = 'all';
  if (sdks.includes('python') && options.pythonHookDir) {
    const existing = base.PYTHONPATH;
    add.PYTHONPATH = existing ? `${options.pythonHookDir}${path.delimiter}${existing}` : options.pythonHookDir;
  }
  return add;
}
