# The real Python azure-identity (Debian's python3-azure) as a parity oracle: one DefaultAzureCredential in a fresh
# process, built as an application builds it (no arguments: the SDK's own defaults decide, instance discovery
# included, which reaches the sandbox through the suite's loopback discovery proxy). Prints one line in the shape
# of test/parity/sdk-oracle.mjs: PARITY-RESULT {verdict, winner | stoppedBy, attempts, errorName, message}.
# Run it with /usr/bin/python3: a pyenv python3 first on PATH does not have the Debian packages.
import json
import os
import sys
import time


def loopback_only():
    # Like bench/netns-guard.mjs: refuse to run unless `lo` is this namespace's only interface.
    try:
        with open('/proc/net/dev', encoding='utf8') as f:
            names = [line.split(':')[0].strip() for line in f.read().split('\n')[2:] if line.strip()]
    except OSError:
        names = ['unknown']
    others = [n for n in names if n != 'lo']
    if others:
        sys.stderr.write('parity py-oracle: refusing to run outside a loopback-only network namespace (%s)\n' % others)
        sys.exit(3)


loopback_only()

from azure.core.exceptions import ClientAuthenticationError  # noqa: E402
from azure.identity import CredentialUnavailableError, DefaultAzureCredential  # noqa: E402
from azure.identity._version import VERSION  # noqa: E402

scope = os.environ.get('PARITY_SCOPE', 'https://management.azure.com/.default')
tenant_id = os.environ.get('PARITY_REQUEST_TENANT') or None
out = {'side': 'sdk', 'package': 'azure-identity (python)', 'version': VERSION, 'attempts': []}


def watch(credential):
    """Records each get_token call of one chain member: its outcome class, error type and message."""
    inner = credential.get_token
    name = type(credential).__name__

    def get_token(*scopes, **kwargs):
        attempt = {'credential': name, 'placeholder': False}
        out['attempts'].append(attempt)
        t0 = time.monotonic()
        try:
            token = inner(*scopes, **kwargs)
            attempt['outcome'] = 'success' if token else 'none'
            return token
        except Exception as e:
            # ChainedTokenCredential moves on only after CredentialUnavailableError; anything else ends the chain.
            attempt['outcome'] = 'unavailable' if isinstance(e, CredentialUnavailableError) else 'failed'
            attempt['errorName'] = type(e).__name__
            attempt['message'] = str(getattr(e, 'message', None) or e)[:4000]
            raise
        finally:
            attempt['ms'] = round((time.monotonic() - t0) * 1000)

    credential.get_token = get_token


credential = None
try:
    credential = DefaultAzureCredential()
except Exception as e:
    out['verdict'] = 'construct-error'
    out['errorName'] = type(e).__name__
    out['message'] = str(e)

if credential is not None:
    for member in credential.credentials:
        watch(member)
    t0 = time.monotonic()
    try:
        token = credential.get_token(scope, **({'tenant_id': tenant_id} if tenant_id else {}))
        out['verdict'] = 'token' if token and token.token else 'no-token'
        out['winner'] = next((a['credential'] for a in out['attempts'] if a['outcome'] == 'success'), None)
    except Exception as e:
        out['errorName'] = type(e).__name__
        out['message'] = str(getattr(e, 'message', None) or e) if isinstance(e, ClientAuthenticationError) else str(e)
        stopped = next((a['credential'] for a in out['attempts'] if a['outcome'] == 'failed'), None)
        # Python's chain raises one ClientAuthenticationError either way: "Attempted credentials" lists every member
        # it asked, the last being the one whose error stopped it, if any.
        out['verdict'] = 'error' if stopped else 'aggregate'
        out['stoppedBy'] = stopped
    out['ms'] = round((time.monotonic() - t0) * 1000)

print('PARITY-RESULT ' + json.dumps(out))
sys.stdout.flush()
# A credential's transport may keep a thread or socket open: the answer is printed, so the process ends now.
os._exit(0)
