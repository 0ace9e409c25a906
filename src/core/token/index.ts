/** Token intelligence: decode, explain claims, expiry, validation, summary. */
export * from './decode';
export * from './summary';
