// OpenAPI 3.1 description of Tessera's REST API under /api/v1: the device inventory subset of
// Smallstep's API 2025-01-01 as server/http/rest implements it, Tessera's extensions included.
// tessera-openapi.test.ts checks it against the route files in app/api/v1.

/** Deliberately loose: the document is data for the reference page and for clients, not a model. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; summary?: string; description?: string; [key: string]: unknown };
  servers?: { url: string; description?: string }[];
  security?: Record<string, string[]>[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

const ref = (section: 'schemas' | 'parameters' | 'headers' | 'responses', name: string) => ({ $ref: `#/components/${section}/${name}` });

const nullable = (schema: Record<string, unknown>) => ({ oneOf: [schema, { type: 'null' }] });

const traceHeaders = {
  'X-Request-Id': ref('headers', 'X-Request-Id'),
  'X-Smallstep-Api-Version': ref('headers', 'X-Smallstep-Api-Version'),
};

const errorResponse = (description: string, extraHeaders: Record<string, unknown> = {}) => ({
  description,
  headers: { ...traceHeaders, ...extraHeaders },
  content: { 'application/json': { schema: ref('schemas', 'error') } },
});

const deviceResponse = (description: string) => ({
  description,
  headers: traceHeaders,
  content: { 'application/json': { schema: ref('schemas', 'device') } },
});

const jsonBody = (schemaName: string, description: string) => ({
  required: true,
  description,
  content: { 'application/json': { schema: ref('schemas', schemaName) } },
});

const commonParameters = [ref('parameters', 'requestID'), ref('parameters', 'version'), ref('parameters', 'accept')];

const errors = (...codes: string[]) => Object.fromEntries(codes.map((c) => [c, ref('responses', c)]));

const mdmMaskingNote =
  'An MDM sync may fill this field in; a value set through the API or the console takes precedence over what the MDM reports.';

export const tesseraOpenApi: OpenApiDocument = {
  openapi: '3.1.1',
  info: {
    title: 'Tessera API',
    version: '2025-01-01',
    summary: 'Device inventory API of a Tessera server',
    description: [
      "Tessera's REST API manages the device inventory: list, add, read, update and remove devices, and change their lifecycle status. It follows version 2025-01-01 of Smallstep's API for the operations listed here, so scripts, the Smallstep Terraform provider and the Smallstep Python client that only use these operations can point at Tessera instead.",
      'Authenticate with an API token, created in Settings → API tokens or with `npx tessera api-token create`, sent as `Authorization: Bearer <API token>`. Tokens act with Admin rights and have no per-operation scopes.',
      'Every request names the API version, either in the `X-Smallstep-Api-Version: 2025-01-01` header or through the Accept header (`application/vnd.smallstep.v2025-01-01+json`). The token is checked before the version. Every answer repeats the version and a request id, and is sent with `Cache-Control: no-store`; errors are JSON objects with a `message`.',
      'Tessera extensions to the 2025-01-01 contract: the `filters[search]` and `filters[tags]` filters, `filters[os]` as another name for `filters[operatingSystem]`, the "Fleet" source name, the `shared` field on new devices, explicit 413 and 415 answers for request bodies, and the older Save Collection Instance call. Fields that a request does not define are refused with 400, so that a misspelt field does not pass unnoticed.',
    ].join('\n\n'),
    license: { name: 'Apache 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
  },
  servers: [{ url: '/api/v1', description: 'This Tessera server' }],
  security: [{ bearer: [] }],
  tags: [
    { name: 'Device Inventory', description: 'Devices known to Tessera, whichever source reported them' },
    { name: 'Collections', description: 'The older collection-instance call for adding devices' },
  ],
  paths: {
    '/devices': {
      parameters: commonParameters,
      get: {
        operationId: 'ListDevices',
        summary: 'List Devices',
        description:
          'Returns one page of devices that match every given filter, newest enrolment first unless `sort` says otherwise. When more devices match, the `X-Next-Cursor` header carries the cursor for the next page; pass it back as `pagination[after]` with the same filters and sort. Unknown `filters[…]` names are refused with 400.',
        tags: ['Device Inventory'],
        parameters: [ref('parameters', 'pagination'), ref('parameters', 'deviceFilters'), ref('parameters', 'deviceSort')],
        responses: {
          '200': {
            description: 'A page of devices, possibly empty.',
            headers: { 'X-Next-Cursor': ref('headers', 'X-Next-Cursor'), ...traceHeaders },
            content: { 'application/json': { schema: { type: 'array', items: ref('schemas', 'device') } } },
          },
          ...errors('400', '401', '500'),
        },
      },
      post: {
        operationId: 'PostDevices',
        summary: 'Add Device',
        description:
          'Adds a device to the inventory. When Tessera already knows the device from another source (an MDM, the agent, the console) by the same permanent identifier, or by the same serial number and no different permanent identifier, the request is merged into that device and the answer shows the combined record. A device added through the API is approved, and an add that merges into a device waiting for approval approves it (a device an administrator rejected stays rejected). Adding the same permanent identifier through the API a second time is a conflict.',
        tags: ['Device Inventory'],
        requestBody: jsonBody('deviceRequest', 'The device to add.'),
        responses: {
          '201': deviceResponse('The device as stored, merged with MDM data when there was any.'),
          ...errors('400', '401', '409', '413', '415', '422', '500'),
        },
      },
    },
    '/devices/{deviceID}': {
      parameters: [...commonParameters, ref('parameters', 'deviceID')],
      get: {
        operationId: 'GetDevice',
        summary: 'Get Device',
        description: 'Returns one device, found by its UUID or by one of the accepted URNs.',
        tags: ['Device Inventory'],
        responses: {
          '200': deviceResponse('The device.'),
          ...errors('400', '401', '404', '409', '500'),
        },
      },
      patch: {
        operationId: 'PatchDevice',
        summary: 'Update Device',
        description:
          'Changes the fields present in the body and leaves the others alone. A value sets the field and takes precedence over MDM data; `null` clears the field, which shows the MDM-reported value again when an MDM knows the device. `tags` and `metadata` are replaced as a whole. Read-only fields of a device are refused here.',
        tags: ['Device Inventory'],
        requestBody: jsonBody('devicePatch', 'The fields to change.'),
        responses: {
          '200': deviceResponse('The device after the change.'),
          ...errors('400', '401', '404', '409', '413', '415', '500'),
        },
      },
      delete: {
        operationId: 'DeleteDevice',
        summary: 'Delete Device',
        description:
          'Removes the device and every source record attached to it; the audit log keeps what it was.',
        tags: ['Device Inventory'],
        responses: {
          '204': ref('responses', '204'),
          ...errors('400', '401', '404', '409', '500'),
        },
      },
    },
    '/devices/{deviceID}/lifecycle': {
      parameters: [...commonParameters, ref('parameters', 'deviceID')],
      patch: {
        operationId: 'PatchDeviceLifecycle',
        summary: 'Update Device Lifecycle',
        description:
          'Sets the lifecycle status of a device. Only active devices are issued certificates; quarantined and deleted devices are refused until they are made active again. Setting the status a device already has changes nothing.',
        tags: ['Device Inventory'],
        requestBody: jsonBody('deviceLifecyclePatch', 'The new lifecycle status.'),
        responses: {
          '200': deviceResponse('The device with its new status.'),
          ...errors('400', '401', '404', '409', '413', '415', '500'),
        },
      },
    },
    '/collections/{collectionSlug}/instances/{instanceID}': {
      parameters: [...commonParameters, ref('parameters', 'collectionSlug'), ref('parameters', 'instanceID')],
      put: {
        operationId: 'SaveCollectionInstance',
        summary: 'Save Collection Instance',
        description:
          'The older Smallstep call for registering a device, kept for enrolment scripts written against it. It adds the device named by `instanceID` as Add Device would (merging into a device another source already reported): the `smallstep:identity` key assigns the owner and every other key becomes device metadata. When the API added the device before, the call updates it instead: the owner is replaced if `smallstep:identity` is given, and the other keys are merged into the existing metadata. Saving the same instance again is therefore safe and answers 200.',
        tags: ['Collections'],
        requestBody: jsonBody('collectionInstanceRequest', 'The instance data.'),
        responses: {
          '200': {
            description: 'The instance was saved onto a device that already existed (added before through the API, or known from another source).',
            headers: traceHeaders,
            content: { 'application/json': { schema: ref('schemas', 'collectionInstance') } },
          },
          '201': {
            description: 'A new device was added for the instance.',
            headers: traceHeaders,
            content: { 'application/json': { schema: ref('schemas', 'collectionInstance') } },
          },
          ...errors('400', '401', '404', '409', '413', '415', '422', '500'),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API token created in Settings → API tokens or with `npx tessera api-token create`. Tessera stores only its SHA-256 hash; a revoked or expired token is refused with 401.',
      },
    },
    headers: {
      'X-Next-Cursor': {
        description: 'Present when more results follow: the opaque cursor to send as `pagination[after]` for the next page.',
        schema: { type: 'string' },
        example: 'WyIyMDI1LTAxLTAxIDEwOjA0OjA1KzAwIiwiM2I0MTVjZjItMzBiZi00NDFlLWFhNzItODJlYjJmMzgxODFmIl0',
      },
      'X-Request-Id': {
        description: "The request's id: the client's own `X-Request-Id` when it sent a usable one, otherwise a UUID generated by Tessera.",
        schema: { type: 'string' },
        example: 'abcdef',
      },
      'X-Smallstep-Api-Version': {
        description: 'The API version that produced the answer, always 2025-01-01.',
        schema: { type: 'string', format: 'date' },
        example: '2025-01-01',
      },
      'WWW-Authenticate': {
        description: 'Names the authentication scheme to use: `Bearer realm="tessera"`.',
        schema: { type: 'string' },
        example: 'Bearer realm="tessera"',
      },
    },
    parameters: {
      accept: {
        name: 'Accept',
        in: 'header',
        description:
          'May carry the API version instead of `X-Smallstep-Api-Version`, as the vendor media type `application/vnd.smallstep.v2025-01-01+json`. Answers are JSON either way.',
        schema: { type: 'string' },
        example: 'application/vnd.smallstep.v2025-01-01+json',
      },
      requestID: {
        name: 'X-Request-Id',
        in: 'header',
        description:
          'An id of your choosing for the request, echoed in the answer and in Tessera’s logs. It is used when it is 1 to 200 printable ASCII characters without spaces; otherwise Tessera generates one.',
        schema: { type: 'string', maxLength: 200 },
        example: 'abcdef',
      },
      version: {
        name: 'X-Smallstep-Api-Version',
        in: 'header',
        required: false,
        description:
          'The API version the client speaks. Either this header or the Accept header must name a version, and it must be 2025-01-01; a missing or different version is refused with 400. When both are sent, this header wins.',
        schema: { type: 'string', enum: ['2025-01-01'] },
        example: '2025-01-01',
      },
      deviceID: {
        name: 'deviceID',
        in: 'path',
        required: true,
        description:
          'The device’s UUID, or a URN: `urn:ek:sha256:…` (the device’s TPM endorsement key), `urn:smallstep:device:permanent-identifier:<permanent identifier>`, or `urn:smallstep:device:serial:<serial number>` (matched without regard to case; 409 when several devices share the serial). URL-encode URNs in the path. Anything else is refused with 400; an unknown device gives 404.',
        schema: { type: 'string' },
        examples: {
          uuid: { summary: 'The device’s UUID in Tessera', value: '3b415cf2-30bf-441e-aa72-82eb2f38181f' },
          ekPub: { summary: 'SHA-256 of the TPM endorsement key', value: 'urn:ek:sha256:RO7QunjhqUqKJj7HAHCpusLZqrypC42vvpGMJvpQdrw=' },
          permanentId: {
            summary: 'The permanent identifier',
            value: 'urn:smallstep:device:permanent-identifier:7f358e57fb2df7c7462d9be6570ea41e',
          },
          sn: { summary: 'The serial number', value: 'urn:smallstep:device:serial:7GX359OOP' },
        },
      },
      pagination: {
        name: 'pagination',
        in: 'query',
        style: 'deepObject',
        explode: true,
        description: 'Page size and position, e.g. `?pagination[first]=30&pagination[after]=<cursor>`; brackets may be URL-encoded.',
        schema: {
          type: 'object',
          properties: {
            first: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'How many devices to return at most.' },
            after: {
              type: 'string',
              maxLength: 1000,
              description:
                'Where the page starts: the `X-Next-Cursor` value of the previous page, used with the same sort. A cursor that is not one is refused with 400.',
            },
          },
        },
      },
      deviceFilters: {
        name: 'filters',
        in: 'query',
        style: 'deepObject',
        explode: true,
        description:
          'Criteria a device must meet, all of them at once, e.g. `?filters[operatingSystem]=Windows&filters[assurance]=high`. A list filter takes several values as repeated parameters, as `filters[name][]=`, or comma-separated, and matches any of them. Enumerated values are matched without regard to case. Filter names not listed here are refused with 400.',
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: {
            assurance: { type: 'array', uniqueItems: true, items: ref('schemas', 'deviceAssurance'), description: 'Assurance levels to match.' },
            operatingSystem: { type: 'array', uniqueItems: true, items: ref('schemas', 'deviceOS'), description: 'Operating systems to match.' },
            os: {
              type: 'array',
              uniqueItems: true,
              items: ref('schemas', 'deviceOS'),
              description: 'Tessera extension: another name for `operatingSystem`; values of both are combined.',
            },
            ownership: { type: 'array', uniqueItems: true, items: ref('schemas', 'deviceOwnership'), description: 'Ownership values to match.' },
            source: {
              type: 'array',
              uniqueItems: true,
              items: ref('schemas', 'deviceDiscoverySource'),
              description: 'Sources that must have reported the device (any of them).',
            },
            status: ref('schemas', 'deviceStatus'),
            onlyManaged: { type: 'boolean', description: 'Only devices that run the Smallstep Agent. Accepts true, false, 1 or 0.' },
            onlyPendingApproval: { type: 'boolean', description: 'Only devices waiting for an administrator’s approval.' },
            onlyUnassigned: { type: 'boolean', description: 'Only devices without an assigned user.' },
            tags: {
              type: 'array',
              maxItems: 20,
              items: { type: 'string', maxLength: 64 },
              description: 'Tessera extension: devices that carry any of these tags (exact match).',
            },
            search: {
              type: 'string',
              maxLength: 200,
              description:
                'Tessera extension: text contained, regardless of case, in the display name, serial number, owner email, permanent identifier or hostname.',
            },
          },
        },
      },
      deviceSort: {
        name: 'sort',
        in: 'query',
        style: 'deepObject',
        explode: true,
        description: 'Order of the results, e.g. `?sort[field]=lastSeen&sort[ascending]=true`.',
        schema: {
          type: 'object',
          properties: {
            field: {
              type: 'string',
              enum: ['enrolledAt', 'lastSeen', 'source'],
              default: 'enrolledAt',
              description: 'What to sort by. Devices never seen sort as the oldest by `lastSeen`; `source` sorts by the first source that reported the device.',
            },
            ascending: { type: 'boolean', default: false, description: 'Sort in ascending order; the default is descending.' },
          },
        },
      },
      collectionSlug: {
        name: 'collectionSlug',
        in: 'path',
        required: true,
        description: 'The collection to save into. Tessera has one collection, `default`, which holds the devices; any other slug gives 404.',
        schema: { type: 'string', enum: ['default'] },
      },
      instanceID: {
        name: 'instanceID',
        in: 'path',
        required: true,
        description:
          'The device’s permanent identifier, URL-encoded: its serial number (Apple devices) or its TPM endorsement key URI `urn:ek:sha256:…`.',
        schema: ref('schemas', 'permanentIdentifier'),
        example: 'urn:ek:sha256:RO7QunjhqUqKJj7HAHCpusLZqrypC42vvpGMJvpQdrw=',
      },
    },
    responses: {
      '204': { description: 'Done; there is no body.', headers: traceHeaders },
      '400': errorResponse(
        'The request is not valid: a missing or unsupported API version, a malformed device ID, an unknown filter or field, a field that breaks its rules, an empty body or one that is not JSON. The message says which.',
      ),
      '401': errorResponse('The API token is missing, unknown, revoked or expired.', { 'WWW-Authenticate': ref('headers', 'WWW-Authenticate') }),
      '404': errorResponse('The device (or collection) does not exist.'),
      '409': errorResponse(
        'A conflict: the permanent identifier was already added through the API, or a serial-number URN matches more than one device.',
      ),
      '413': errorResponse('The request body is larger than 256 KiB (262,144 bytes).'),
      '415': errorResponse(
        'The body was sent with a Content-Type other than JSON. `application/json`, `application/merge-patch+json` and other `application/*+json` types are accepted; a body without Content-Type is read as JSON.',
      ),
      '422': errorResponse('Tessera has not been set up yet (no team exists), so it cannot store devices.'),
      '500': errorResponse('An unexpected error. The message carries the request id to look for in the server logs.'),
    },
    schemas: {
      error: {
        title: 'Error',
        type: 'object',
        required: ['message'],
        properties: { message: { type: 'string', description: 'What went wrong, in words meant for a person.' } },
        example: { message: 'deviceID must be a UUID or a URN' },
      },
      permanentIdentifier: {
        type: 'string',
        minLength: 1,
        maxLength: 512,
        description:
          'The hardware identity of the device, the key under which all sources of one device are merged. For Windows and Linux it is the SHA-256 of the TPM endorsement key as `urn:ek:sha256:<standard base64>`; for Apple devices it is the serial number. Leading and trailing spaces are removed.',
        example: 'urn:ek:sha256:RO7QunjhqUqKJj7HAHCpusLZqrypC42vvpGMJvpQdrw=',
      },
      deviceAssurance: {
        type: 'string',
        enum: ['normal', 'high'],
        description: 'The assurance level: high for devices whose identity was proven by hardware attestation, normal otherwise.',
      },
      deviceDiscoverySource: {
        type: 'string',
        enum: ['End-User', 'Smallstep API', 'Smallstep Agent', 'Jamf', 'Intune', 'Fleet'],
        description:
          'Where a device record came from. End-User covers devices added in the console or by sign-in; Fleet is a Tessera extension. Tessera has no Intune integration, so Intune matches no device.',
      },
      deviceDisplayId: {
        type: 'string',
        maxLength: 256,
        description: `An identifier of your choosing that links the device to another inventory, such as an asset tag. ${mdmMaskingNote}`,
      },
      deviceDisplayName: { type: 'string', maxLength: 256, description: `A name for people to recognise the device by. ${mdmMaskingNote}` },
      deviceSerial: { type: 'string', minLength: 1, maxLength: 128, description: `The hardware serial number. ${mdmMaskingNote}` },
      deviceOS: {
        type: 'string',
        enum: ['Linux', 'Windows', 'macOS', 'iOS', 'tvOS', 'watchOS', 'visionOS'],
        description: `The operating system. ${mdmMaskingNote}`,
      },
      deviceOwnership: { type: 'string', enum: ['company', 'user'], description: `Who owns the device. ${mdmMaskingNote}` },
      deviceStatus: {
        type: 'string',
        enum: ['ok', 'warning', 'error'],
        description: 'A summary of the device’s state: ok when approved and active, warning when awaiting approval, error when rejected or not active.',
      },
      deviceLifecycleStatus: {
        type: 'string',
        enum: ['active', 'quarantined', 'deleted'],
        description: 'Where the device stands in its management: only active devices are issued certificates.',
      },
      deviceTags: {
        type: 'array',
        maxItems: 50,
        items: { type: 'string', minLength: 1, maxLength: 64 },
        description: 'Labels for grouping devices; duplicates are dropped.',
      },
      deviceMetadata: {
        type: 'object',
        maxProperties: 50,
        propertyNames: { minLength: 1, maxLength: 128 },
        additionalProperties: { type: 'string', maxLength: 1024 },
        description:
          'Your own key-value pairs for the device, which certificate templates can use. The owner’s email is not stored here; it is the `user` field.',
      },
      deviceUser: {
        type: 'object',
        required: ['email'],
        additionalProperties: false,
        description: 'The person the device is assigned to.',
        properties: {
          email: { type: 'string', format: 'email', maxLength: 254, description: `The user’s email, stored in lower case. ${mdmMaskingNote}` },
          displayName: { type: 'string', readOnly: true, description: 'The user’s name. Read only: ignored when sent.' },
        },
      },
      deviceUserPatch: {
        type: 'object',
        required: ['email'],
        additionalProperties: false,
        description: 'The person the device is assigned to; an email of null removes the assignment.',
        properties: {
          email: { type: ['string', 'null'], format: 'email', maxLength: 254, description: 'The user’s email, or null to unassign the device.' },
        },
      },
      deviceRequest: {
        type: 'object',
        required: ['permanentIdentifier'],
        additionalProperties: false,
        description:
          'A device to add. The read-only fields of a device may be included, so that a record read from the API can be sent back; they are ignored. Any other field not listed is refused with 400.',
        properties: {
          permanentIdentifier: {
            ...ref('schemas', 'permanentIdentifier'),
            description: 'The hardware identity of the device. When it is not a URN it is also taken as the serial number unless `serial` is given.',
          },
          serial: ref('schemas', 'deviceSerial'),
          displayId: ref('schemas', 'deviceDisplayId'),
          displayName: ref('schemas', 'deviceDisplayName'),
          os: ref('schemas', 'deviceOS'),
          ownership: ref('schemas', 'deviceOwnership'),
          tags: ref('schemas', 'deviceTags'),
          metadata: ref('schemas', 'deviceMetadata'),
          user: ref('schemas', 'deviceUser'),
          shared: { type: 'boolean', description: 'Tessera extension on this request: the device is shared and is not expected to have one user.' },
          id: { type: 'string', readOnly: true, description: 'Read only: ignored.' },
          connected: { type: 'boolean', readOnly: true, description: 'Read only: ignored.' },
          highAssurance: { type: 'boolean', readOnly: true, description: 'Read only: ignored.' },
          lifecycleStatus: { type: 'string', readOnly: true, description: 'Read only: ignored; use Update Device Lifecycle.' },
          enrolledAt: { type: 'string', readOnly: true, description: 'Read only: ignored.' },
          lastSeen: { type: 'string', readOnly: true, description: 'Read only: ignored.' },
          approvedAt: { type: 'string', readOnly: true, description: 'Read only: ignored.' },
          hostID: { type: 'string', readOnly: true, description: 'Read only: ignored.' },
        },
        example: {
          permanentIdentifier: 'urn:ek:sha256:RO7QunjhqUqKJj7HAHCpusLZqrypC42vvpGMJvpQdrw=',
          serial: '7GX359OOP',
          displayName: 'Build server 3',
          os: 'Linux',
          ownership: 'company',
          tags: ['ubuntu24'],
          metadata: { department: 'engineering' },
          user: { email: 'ada@example.com' },
        },
      },
      devicePatch: {
        type: 'object',
        additionalProperties: false,
        description:
          'The fields to change. A value sets the field and takes precedence over MDM data; null clears it, bringing back the MDM-reported value if there is one. Fields left out stay as they are. Read-only device fields and unknown fields are refused with 400.',
        properties: {
          serial: nullable(ref('schemas', 'deviceSerial')),
          displayId: nullable(ref('schemas', 'deviceDisplayId')),
          displayName: nullable(ref('schemas', 'deviceDisplayName')),
          os: nullable(ref('schemas', 'deviceOS')),
          ownership: nullable(ref('schemas', 'deviceOwnership')),
          tags: { ...nullable(ref('schemas', 'deviceTags')), description: 'Replaces all tags; null clears them (back to the MDM-reported tags, if any).' },
          metadata: { ...nullable(ref('schemas', 'deviceMetadata')), description: 'Replaces the whole map; null clears it (back to the MDM-reported metadata, if any).' },
          shared: { type: 'boolean', description: 'Whether the device is shared. Not nullable.' },
          user: { ...nullable(ref('schemas', 'deviceUserPatch')), description: 'The assigned user; null, or an email of null, removes the assignment.' },
        },
        example: { displayName: null, tags: ['ubuntu24', 'lab'], user: { email: 'grace@example.com' } },
      },
      deviceLifecyclePatch: {
        type: 'object',
        required: ['status'],
        additionalProperties: false,
        description: 'The lifecycle status to set.',
        properties: { status: ref('schemas', 'deviceLifecycleStatus') },
        example: { status: 'quarantined' },
      },
      device: {
        type: 'object',
        required: ['id', 'permanentIdentifier', 'connected', 'highAssurance', 'lifecycleStatus', 'shared', 'enrolledAt', 'tags', 'metadata'],
        description: 'A computer or phone in the inventory, as every source that reported it describes it together. Fields without a value are left out.',
        properties: {
          id: { type: 'string', format: 'uuid', description: 'The device’s UUID in Tessera.' },
          permanentIdentifier: {
            type: 'string',
            description:
              'The hardware identity. A device whose permanent identifier is not known yet shows its serial number, hardware UUID or, failing those, its id.',
          },
          serial: ref('schemas', 'deviceSerial'),
          displayId: ref('schemas', 'deviceDisplayId'),
          displayName: ref('schemas', 'deviceDisplayName'),
          os: ref('schemas', 'deviceOS'),
          ownership: ref('schemas', 'deviceOwnership'),
          tags: ref('schemas', 'deviceTags'),
          metadata: ref('schemas', 'deviceMetadata'),
          user: ref('schemas', 'deviceUser'),
          shared: { type: 'boolean', description: 'The device is shared and is not expected to have one user.' },
          connected: { type: 'boolean', description: 'The Smallstep Agent on the device checked in within the last 15 minutes.' },
          highAssurance: { type: 'boolean', description: 'The device’s identity was proven by hardware attestation.' },
          lifecycleStatus: ref('schemas', 'deviceLifecycleStatus'),
          enrolledAt: { type: 'string', format: 'date-time', description: 'When Tessera first learned of the device (RFC 3339).' },
          lastSeen: { type: 'string', format: 'date-time', description: 'When the device was last seen, as reported by the agent or an MDM (RFC 3339).' },
          approvedAt: { type: 'string', format: 'date-time', description: 'When the device was approved; absent while it is pending or rejected.' },
          hostID: { type: 'string', description: 'The device’s hostname as last reported.' },
        },
        example: {
          id: '3b415cf2-30bf-441e-aa72-82eb2f38181f',
          permanentIdentifier: 'urn:ek:sha256:RO7QunjhqUqKJj7HAHCpusLZqrypC42vvpGMJvpQdrw=',
          serial: '7GX359OOP',
          displayName: 'Build server 3',
          os: 'Linux',
          ownership: 'company',
          tags: ['ubuntu24'],
          metadata: { department: 'engineering' },
          user: { email: 'ada@example.com' },
          shared: false,
          connected: false,
          highAssurance: false,
          lifecycleStatus: 'active',
          enrolledAt: '2025-01-01T10:04:05.000Z',
          approvedAt: '2025-01-01T10:04:05.000Z',
        },
      },
      collectionInstanceRequest: {
        type: 'object',
        required: ['data'],
        additionalProperties: false,
        description: 'The data to save on the instance.',
        properties: {
          data: {
            type: 'object',
            maxProperties: 50,
            propertyNames: { minLength: 1, maxLength: 128 },
            additionalProperties: { oneOf: [{ type: 'string', maxLength: 1024 }, { type: 'number' }, { type: 'boolean' }] },
            description:
              'Key-value pairs. `smallstep:identity` is the email of the user the device is assigned to; every other key is stored as device metadata, with numbers and booleans turned into strings.',
            properties: {
              'smallstep:identity': { type: 'string', format: 'email', description: 'The email of the user the device is assigned to.' },
            },
          },
        },
        example: { data: { 'smallstep:identity': 'ada@example.com', department: 'engineering' } },
      },
      collectionInstance: {
        type: 'object',
        required: ['id', 'collectionSlug', 'deviceID', 'data', 'createdAt', 'updatedAt'],
        description: 'The saved instance, seen from the device it is stored on.',
        properties: {
          id: { type: 'string', description: 'The instance ID, i.e. the permanent identifier from the path.' },
          collectionSlug: { type: 'string', enum: ['default'], description: 'Always `default`.' },
          deviceID: { type: 'string', format: 'uuid', description: 'The UUID of the device, for the /devices operations.' },
          data: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'The device’s metadata, with `smallstep:identity` set to the assigned user’s email when there is one.',
          },
          createdAt: { type: 'string', format: 'date-time', description: 'When the device was first known to Tessera.' },
          updatedAt: { type: 'string', format: 'date-time', description: 'When the device record last changed.' },
        },
        example: {
          id: 'urn:ek:sha256:RO7QunjhqUqKJj7HAHCpusLZqrypC42vvpGMJvpQdrw=',
          collectionSlug: 'default',
          deviceID: '3b415cf2-30bf-441e-aa72-82eb2f38181f',
          data: { department: 'engineering', 'smallstep:identity': 'ada@example.com' },
          createdAt: '2025-01-01T10:04:05.000Z',
          updatedAt: '2025-01-01T10:04:05.000Z',
        },
      },
    },
  },
};
