/**
 * Credentials that appear in some SDKs' default chains but that the engine does not reproduce (they need an SDK
 * plugin, a broker or a Windows-only token store). In the chain they report "unavailable" with the reason the SDK
 * gives when its prerequisite is missing — which is what a default installation of that SDK does.
 */
import type { CredentialName } from '../model';
import { CredentialUnavailableError, type Credential } from '../credentials/types';

const REASONS: Partial<Record<CredentialName, string>> = {
  VisualStudioCodeCredential:
    'Visual Studio Code Authentication is not available. Ensure you have have Azure Resources Extension installed in VS Code, signed into Azure via VS Code, installed the @azure/identity-vscode package, and properly configured the extension.',
  BrokerCredential: 'Failed to acquire token using broker authentication: the broker plugin (@azure/identity-broker) is not installed.',
  VisualStudioCredential: 'Visual Studio Token provider can\'t be accessed (it exists only where Visual Studio is installed, on Windows).',
  SharedTokenCacheCredential: 'SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.',
};

export function placeholderCredential(name: CredentialName): Credential {
  return {
    name,
    async getToken(_request, ctx) {
      const reason = REASONS[name] ?? `${name} is not reproduced by this build of the engine.`;
      ctx.trace.note('info', `${name} is not reproduced by the engine; reporting what a default SDK installation reports`);
      throw new CredentialUnavailableError(reason);
    },
  };
}
