// The Subject and SANs the SCEP profiles ask for (mdm-apis.md §2.6): OU carries Fleet's renewal
// marker, which Fleet requires; CN and SAN URIs carry the host so Tessera can bind at SCEP time.
import { FLEET_HOST_URI_PREFIX, SERIAL_URI_PREFIX } from './device-binding';
import type { FleetVariables } from './fleet-variables';
import type { CertificateSubjectChoice } from './types';

/** The seed's CN; the Smallstep agent finds its bootstrap identity by this keychain label. */
export const AGENT_BOOTSTRAP_CN = 'step-agent-bootstrap';

export interface CertificateSubject {
  commonName: string;
  organizationalUnit: string;
  /** [host URI, serial URI] */
  sanUris: [string, string];
}

export function certificateSubject(choice: CertificateSubjectChoice, vars: FleetVariables): CertificateSubject {
  return {
    commonName: choice === 'agent-bootstrap' ? AGENT_BOOTSTRAP_CN : vars.hostUuid,
    organizationalUnit: vars.scepRenewalId,
    sanUris: [`${FLEET_HOST_URI_PREFIX}${vars.hostUuid}`, `${SERIAL_URI_PREFIX}${vars.hostHardwareSerial}`],
  };
}
