// The API client for a connection, from its stored (encrypted) credentials, and the listings a
// sync walks through in order.
import type { Integration } from '@/server/db/schema';
import { FleetClient } from '@/lib/mdm/fleet-client';
import { JamfClient } from '@/lib/mdm/jamf-client';
import type { MdmHttpOptions } from '@/lib/mdm/http';
import type { MdmDevice, MdmDevicePage } from '@/lib/mdm/types';
import { decryptCredentials } from '../integrations/credentials';

export interface MdmListing {
  phase: string;
  list: (startPage: number, signal?: AbortSignal) => AsyncGenerator<MdmDevicePage, void, undefined>;
}

export interface ConnectedMdm {
  testConnection(): Promise<{ serverVersion: string | null; deviceCount: number | null }>;
  listings: MdmListing[];
  /**
   * The record with this external id, asked directly; null when the MDM no longer has it. Present
   * where the listing pages by offset and a deletion during a sync can hide a live record.
   */
  lookup?(externalId: string, signal?: AbortSignal): Promise<MdmDevice | null>;
}

export function mdmClientFor(integration: Integration, http: MdmHttpOptions = {}): ConnectedMdm {
  const config = integration.config as { url?: string; authMethod?: 'client_credentials' | 'basic' };
  const creds = decryptCredentials(integration.id, integration.credentialsEnc ?? '');
  if (integration.kind === 'fleet') {
    const client = new FleetClient({ ...http, baseUrl: config.url!, token: creds.apiToken });
    return {
      async testConnection() {
        const r = await client.testConnection();
        return { serverVersion: r.serverVersion ?? null, deviceCount: r.hostCount ?? null };
      },
      listings: [{ phase: 'hosts', list: (startPage, signal) => client.listHosts({ perPage: 500, startPage, signal }) }],
      lookup: (externalId, signal) => (/^\d+$/.test(externalId) ? client.getHostById(Number(externalId), { signal }) : Promise.resolve(null)),
    };
  }
  const client = new JamfClient({
    ...http,
    baseUrl: config.url!,
    auth:
      config.authMethod === 'basic'
        ? { method: 'basic', username: creds.username, password: creds.password }
        : { method: 'client_credentials', clientId: creds.clientId, clientSecret: creds.clientSecret },
  });
  return {
    async testConnection() {
      const r = await client.testConnection();
      return { serverVersion: r.serverVersion ?? null, deviceCount: r.computerCount ?? null };
    },
    listings: [
      { phase: 'computers', list: (startPage, signal) => client.listComputers({ pageSize: 200, startPage, signal }) },
      { phase: 'mobile', list: (startPage, signal) => client.listMobileDevices({ pageSize: 200, startPage, signal }) },
    ],
  };
}
