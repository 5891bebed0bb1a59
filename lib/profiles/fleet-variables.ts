// Fleet profile variables for a "smallstep" CA (mdm-apis.md §2.4). Fleet replaces them per host
// when it delivers the profile; the CA-bound ones may appear only once per profile.

export interface FleetVariables {
  scepChallenge: string;
  scepProxyUrl: string;
  /** `fleet-<uuid>`; Fleet requires it in the Subject OU to track renewals. */
  scepRenewalId: string;
  windowsCertificateId: string;
  hostUuid: string;
  hostHardwareSerial: string;
}

export const FLEET_VAR_PREFIX = '$FLEET_VAR_';

export function fleetVariables(caName: string): FleetVariables {
  return {
    scepChallenge: `${FLEET_VAR_PREFIX}SMALLSTEP_SCEP_CHALLENGE_${caName}`,
    scepProxyUrl: `${FLEET_VAR_PREFIX}SMALLSTEP_SCEP_PROXY_URL_${caName}`,
    scepRenewalId: `${FLEET_VAR_PREFIX}SCEP_RENEWAL_ID`,
    windowsCertificateId: `${FLEET_VAR_PREFIX}SCEP_WINDOWS_CERTIFICATE_ID`,
    hostUuid: `${FLEET_VAR_PREFIX}HOST_UUID`,
    hostHardwareSerial: `${FLEET_VAR_PREFIX}HOST_HARDWARE_SERIAL`,
  };
}
