export * from './teams';
export * from './users';
export * from './audit-log';
export * from './devices';
export * from './api-tokens';
export * from './pki';
export * from './scim';
export * from './identity-provider';
