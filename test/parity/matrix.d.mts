// Types for matrix.mjs (plain JS so that run.mjs needs no loader).
export interface Scenario {
  id: string;
  group: string;
  env: string;
  tokenCredentials?: string;
  authority: 'sandbox' | 'http' | 'unknown';
  imds: string;
  tools: string;
  hosting?: 'app-service' | 'cloud-shell';
  requestTenant?: 'other';
  allowedTenants?: string;
  python?: boolean;
}
export const ENVS: string[];
export const TOKEN_CREDENTIALS: (string | undefined)[];
export const IMDS: string[];
export const TOOLS: Record<string, Partial<Record<'az' | 'azd' | 'pwsh', string>>>;
export function scenarios(): Scenario[];
