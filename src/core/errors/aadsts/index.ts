/**
 * The AADSTS catalog as data: one JSON file per category in this folder (see README.md for how to extend it).
 * This module only gathers the files; the lookup lives in ../catalog.ts. Pure data, no I/O, no vscode.
 */
import clientCredentials from './client-credentials.json';
import certificateAndAssertion from './certificate-and-assertion.json';
import federation from './federation.json';
import userSignIn from './user-sign-in.json';
import mfaAndConditionalAccess from './mfa-and-conditional-access.json';
import consentAndPermissions from './consent-and-permissions.json';
import applicationConfiguration from './application-configuration.json';
import tenantAndAccount from './tenant-and-account.json';
import tokenAndSession from './token-and-session.json';
import requestFormat from './request-format.json';
import deviceCode from './device-code.json';
import throttlingAndService from './throttling-and-service.json';
import other from './other.json';

/** The fixed set of categories; each has its own `<category>.json` file in this folder. */
export const AADSTS_CATEGORIES = [
  'client-credentials',
  'certificate-and-assertion',
  'federation',
  'user-sign-in',
  'mfa-and-conditional-access',
  'consent-and-permissions',
  'application-configuration',
  'tenant-and-account',
  'token-and-session',
  'request-format',
  'device-code',
  'throttling-and-service',
  'other',
] as const;

export type AadstsCategory = (typeof AADSTS_CATEGORIES)[number];

/** One AADSTS code as stored in these files (../catalog.ts derives its lookup type from this one). */
export interface AadstsEntry {
  /** The number after "AADSTS" (e.g. 50076 for AADSTS50076). Unique across all files. */
  code: number;
  /** Microsoft's symbolic name where one is published; otherwise a descriptive PascalCase label (see README). */
  name: string;
  /** What the code means, in this project's own words. */
  meaning: string;
  /** 1–4 likely causes. */
  causes: string[];
  /** 1–4 concrete fixes: portal blade, command to re-run, environment variable. */
  fixes: string[];
  category: AadstsCategory;
  /** Always `https://login.microsoftonline.com/error?code=<code>`. */
  docsUrl: string;
  /** Azure SDK credential kinds where users typically meet the code. */
  credentials?: string[];
  /** Present (true) only for codes that Microsoft's published reference page does not list. */
  notOnReferencePage?: true;
}

/** Every data file with its entries, in category order (tests use this to check no file is dropped). */
export const aadstsFiles: readonly { file: string; entries: readonly AadstsEntry[] }[] = [
  { file: 'client-credentials.json', entries: clientCredentials as readonly AadstsEntry[] },
  { file: 'certificate-and-assertion.json', entries: certificateAndAssertion as readonly AadstsEntry[] },
  { file: 'federation.json', entries: federation as readonly AadstsEntry[] },
  { file: 'user-sign-in.json', entries: userSignIn as readonly AadstsEntry[] },
  { file: 'mfa-and-conditional-access.json', entries: mfaAndConditionalAccess as readonly AadstsEntry[] },
  { file: 'consent-and-permissions.json', entries: consentAndPermissions as readonly AadstsEntry[] },
  { file: 'application-configuration.json', entries: applicationConfiguration as readonly AadstsEntry[] },
  { file: 'tenant-and-account.json', entries: tenantAndAccount as readonly AadstsEntry[] },
  { file: 'token-and-session.json', entries: tokenAndSession as readonly AadstsEntry[] },
  { file: 'request-format.json', entries: requestFormat as readonly AadstsEntry[] },
  { file: 'device-code.json', entries: deviceCode as readonly AadstsEntry[] },
  { file: 'throttling-and-service.json', entries: throttlingAndService as readonly AadstsEntry[] },
  { file: 'other.json', entries: other as readonly AadstsEntry[] },
];

/** All entries of all files. */
export const aadstsEntries: AadstsEntry[] = aadstsFiles.flatMap((f) => f.entries);
