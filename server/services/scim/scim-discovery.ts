// RFC 7644 §4 discovery endpoints: /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7643
// §5-§7), describing what this service really does (PATCH and filters yes; bulk, sort, ETags and
// password changes no) and the attributes it stores.
import { SCIM_SCHEMAS } from '@/lib/scim/schemas';
import type { Json } from './scim-resource';

const SCHEMA = {
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const MAX_RESULTS = 1000;

export function serviceProviderConfig(baseUrl: string): Json {
  return {
    schemas: [SCHEMA.serviceProviderConfig],
    documentationUri: `${baseUrl}/integrations/identity`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'A SCIM secret token created in Tessera under Integrations → Identity provider, sent as "Authorization: Bearer <token>".',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/scim/v2/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string): Json[] {
  return [
    {
      schemas: [SCHEMA.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A person in your team',
      schema: SCIM_SCHEMAS.coreUser,
      schemaExtensions: [{ schema: SCIM_SCHEMAS.enterpriseUser, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/scim/v2/ResourceTypes/User` },
    },
    {
      schemas: [SCHEMA.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group of users',
      schema: SCIM_SCHEMAS.coreGroup,
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/scim/v2/ResourceTypes/Group` },
    },
  ];
}

type AttributeType = 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';

function attribute(name: string, type: AttributeType, options: Json = {}): Json {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

const multiValue = (name: string, extra: Json[] = []) =>
  attribute(name, 'complex', {
    multiValued: true,
    subAttributes: [attribute('value', 'string'), attribute('display', 'string'), attribute('type', 'string'), attribute('primary', 'boolean'), ...extra],
  });

export function schemaDefinitions(baseUrl: string): Json[] {
  const definition = (id: string, name: string, description: string, attributes: Json[]): Json => ({
    schemas: [SCHEMA.schema],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/scim/v2/Schemas/${id}` },
  });
  // Names and descriptions as RFC 7643 §8.7.1 publishes them; clients (Microsoft's reference
  // collection among them) look for "User Account".
  return [
    definition(SCIM_SCHEMAS.coreUser, 'User', 'User Account', [
      attribute('userName', 'string', { required: true, uniqueness: 'server' }),
      attribute('name', 'complex', {
        subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attribute(n, 'string')),
      }),
      attribute('displayName', 'string'),
      attribute('nickName', 'string'),
      attribute('title', 'string'),
      attribute('userType', 'string'),
      attribute('preferredLanguage', 'string'),
      attribute('locale', 'string'),
      attribute('timezone', 'string'),
      attribute('active', 'boolean'),
      attribute('password', 'string', { mutability: 'writeOnly', returned: 'never' }),
      multiValue('emails'),
      multiValue('phoneNumbers'),
      multiValue('addresses', ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country'].map((n) => attribute(n, 'string'))),
      multiValue('roles'),
      attribute('groups', 'complex', {
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [
          attribute('value', 'string', { mutability: 'readOnly' }),
          attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }),
          attribute('display', 'string', { mutability: 'readOnly' }),
          attribute('type', 'string', { mutability: 'readOnly' }),
        ],
      }),
      attribute('externalId', 'string', { caseExact: true }),
    ]),
    definition(SCIM_SCHEMAS.coreGroup, 'Group', 'Group', [
      attribute('displayName', 'string', { required: true }),
      attribute('externalId', 'string', { caseExact: true }),
      attribute('members', 'complex', {
        multiValued: true,
        subAttributes: [
          attribute('value', 'string', { mutability: 'immutable' }),
          attribute('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User'] }),
          attribute('display', 'string', { mutability: 'readOnly' }),
        ],
      }),
    ]),
    definition(SCIM_SCHEMAS.enterpriseUser, 'EnterpriseUser', 'Enterprise User', [
      attribute('employeeNumber', 'string'),
      attribute('costCenter', 'string'),
      attribute('organization', 'string'),
      attribute('division', 'string'),
      attribute('department', 'string'),
      attribute('manager', 'complex', {
        subAttributes: [
          attribute('value', 'string'),
          attribute('$ref', 'reference', { referenceTypes: ['User'] }),
          attribute('displayName', 'string', { mutability: 'readOnly' }),
        ],
      }),
    ]),
  ];
}
