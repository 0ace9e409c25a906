/**
 * Credentials that appear in some SDKs' default chains but that the engine does not reproduce (they need an SDK
 * plugin, a broker or a Windows-only token store). In the chain they report "unavailable" with the reason the SDK
 * gives when its prerequisite is missing — which is what a default installation of that SDK does — naming that SDK's
 * own plugin package (@azure/identity-vscode / @azure/identity-broker, azure-identity-broker, Azure.Identity.Broker).
 */
import type { ChainProfile, CredentialName } from '../model';
import { CredentialUnavailableError, type Credential } from '../credentials/types';
import { constructorFailed, jsChainConstruction } from '../credentials/js-construction';

const JS_REASONS: Partial<Record<CredentialName, string>> = {
  VisualStudioCodeCredential:
    'Visual Studio Code Authentication is not available. Ensure you have have Azure Resources Extension installed in VS Code, signed into Azure via VS Code, installed the @azure/identity-vscode package, and properly configured the extension.',
  BrokerCredential:
    'Failed to acquire token using broker authentication: the broker plugin (@azure/identity-broker) is not installed.',
};

// Python and .NET wording inferred from their documentation: the credential needs the broker package.
const PY_REASONS: Partial<Record<CredentialName, string>> = {
  VisualStudioCodeCredential:
    'VisualStudioCodeCredential unavailable: it signs in through the authentication broker, which needs the azure-identity-broker package (pip install azure-identity-broker) and a sign-in with the Azure Resources extension in VS Code.',
  BrokerCredential:
    'InteractiveBrowserBrokerCredential unavailable: the azure-identity-broker package is not installed (pip install azure-identity-broker).',
};

const NET_REASONS: Partial<Record<CredentialName, string>> = {
  VisualStudioCodeCredential:
    'VisualStudioCodeCredential authentication unavailable. It uses the authentication broker: reference the Azure.Identity.Broker package and sign in with the Azure Resources extension in VS Code.',
  BrokerCredential:
    'BrokerCredential authentication unavailable. The Azure.Identity.Broker package is not referenced by the application.',
};

const COMMON: Partial<Record<CredentialName, string>> = {
  VisualStudioCredential:
    "Visual Studio Token provider can't be accessed (it exists only where Visual Studio is installed, on Windows).",
  SharedTokenCacheCredential:
    'SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.',
};

const BY_SDK: Record<ChainProfile, Partial<Record<CredentialName, string>>> = {
  js: JS_REASONS,
  go: JS_REASONS,
  python: PY_REASONS,
  dotnet: NET_REASONS,
};

/** The reason an SDK gives when the credential's prerequisite is missing. */
export function placeholderReason(name: CredentialName, profile: ChainProfile): string {
  return BY_SDK[profile][name] ?? COMMON[name] ?? `${name} is not reproduced by this build of the engine.`;
}

/**
 * @azure/identity's BrokerCredential throws from its constructor when @azure/identity-broker is not registered
 * (msal/nodeFlows/msalPlugins getBrokerPlugin), so DefaultAzureCredential keeps a placeholder that is never named.
 */
const JS_BROKER_MISSING =
  'Broker for WAM was requested, but no plugin was configured or no authentication record was found. You must install the @azure/identity-broker plugin package (npm install --save @azure/identity-broker) and enable it by importing `useIdentityPlugin` from `@azure/identity` and calling useIdentityPlugin(nativeBrokerPlugin) before using enableBroker.';

export function placeholderCredential(name: CredentialName): Credential {
  return {
    name,
    async getToken(_request, ctx) {
      if (name === 'BrokerCredential' && jsChainConstruction(ctx)) {
        ctx.trace.note(
          'info',
          'BrokerCredential: without @azure/identity-broker its constructor throws, so DefaultAzureCredential skips it without naming it',
        );
        throw constructorFailed(JS_BROKER_MISSING);
      }
      const reason = placeholderReason(name, ctx.profile);
      ctx.trace.note(
        'info',
        `${name} is not reproduced by the engine; reporting what a default SDK installation reports`,
      );
      throw new CredentialUnavailableError(reason);
    },
  };
}
