/**
 * The options that choose a credential and where it signs in, shared by every command that acquires a token itself
 * (`token`, `call`, `broker`), so the three parse, document and check them alike.
 */
export const CREDENTIAL_OPTIONS = {
  credential: { type: 'string' },
  tenant: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret-env': { type: 'string' },
  certificate: { type: 'string' },
  'authority-host': { type: 'string' },
  ca: { type: 'string' },
} as const;
