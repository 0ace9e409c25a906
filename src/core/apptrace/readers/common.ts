/** Helpers every SDK reader shares. */
import type { SdkId } from '../types';

/**
 * Which credential an error message is about, when the SDK's aggregate error lists messages without names
 * (JS) or a message is all there is. Names in the message win; otherwise the tool it mentions.
 */
export function credentialFromMessage(message: string): string | undefined {
  const named =
    /\b(EnvironmentCredential|WorkloadIdentityCredential|ManagedIdentityCredential|AzureCliCredential|AzureCLICredential|AzurePowerShellCredential|AzureDeveloperCliCredential|AzureDeveloperCLICredential|VisualStudioCodeCredential|VisualStudioCredential|SharedTokenCacheCredential|InteractiveBrowserCredential|BrokerCredential)\b/.exec(
      message,
    );
  if (named) return named[1];
  if (/Visual Studio Code/i.test(message)) return 'VisualStudioCodeCredential';
  if (/Azure Developer CLI|azd auth login/i.test(message)) return 'AzureDeveloperCLICredential';
  if (/PowerShell|Connect-AzAccount/i.test(message)) return 'AzurePowerShellCredential';
  if (/Azure CLI|az login/i.test(message)) return 'AzureCLICredential';
  if (/IMDS|managed identity/i.test(message)) return 'ManagedIdentityCredential';
  if (/Broker|WAM/.test(message)) return 'BrokerCredential';
  return undefined;
}

const UA_TOKENS: Record<SdkId, RegExp> = {
  js: /azsdk-js-identity\/([\w.-]+)/,
  python: /azsdk-python-identity\/([\w.-]+)/,
  go: /azsdk-go-azidentity\/v?([\w.-]+)/,
  dotnet: /azsdk-net-Identity\/([\w.+-]+)/i,
  java: /azsdk-java-azure-identity\/([\w.-]+)/,
};

/** The identity library's release from a User-Agent it sent (every SDK puts it there). */
export function releaseFromUserAgent(text: string, sdk: SdkId): string | undefined {
  return UA_TOKENS[sdk].exec(text)?.[1];
}
