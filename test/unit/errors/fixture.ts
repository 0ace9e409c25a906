/** A tiny stand-in catalog so the parser and explanation tests do not depend on the catalog's wording. */
import type { AadstsEntry } from '../../../src/core/errors/catalog';

const entry = (code: number, name: string, category: string): AadstsEntry => ({
  code,
  name,
  meaning: `meaning of ${code}`,
  causes: [`cause of ${code}`],
  fixes: [`fix for ${code}`],
  category,
  docsUrl: `https://login.microsoftonline.com/error?code=${code}`,
});

export const fixtureCatalog: AadstsEntry[] = [
  entry(70002, 'InvalidClientCredentials', 'credentials'),
  entry(50012, 'InvalidClientSecret', 'credentials'),
  entry(50013, 'InvalidAssertion', 'credentials'),
  entry(50076, 'UserStrongAuthClientAuthNRequired', 'mfa'),
  entry(700016, 'UnauthorizedClient_DoesNotMatchRequest', 'app'),
  entry(7000215, 'InvalidClientSecretProvided', 'credentials'),
  entry(70021, 'NoMatchingFederatedIdentityRecord', 'federation'),
  entry(500011, 'InvalidResourceServicePrincipalNotFound', 'resource'),
  entry(70016, 'AuthorizationPending', 'device-code'),
  entry(54005, 'OAuth2AuthorizationCodeAlreadyRedeemed', 'grant'),
];
