export * from './teams';
export * from './users';
export * from './audit-log';
