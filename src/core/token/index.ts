/** Token intelligence: decode, explain claims, expiry, validation, summary. */
export * from './decode';
export * from './summary';
export * from './claims';
export * from './expiry';
export {
  lookupApp,
  lookupTenant,
  directoryRoleName,
  parseIssuer,
  normalizeResource,
  isGuid,
  type IssuerInfo,
  type KnownApp,
} from './wellknown';
export * from './validate';
export * from './keys';
