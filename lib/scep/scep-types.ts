// SCEP message vocabulary (RFC 8894 §3.2.1.2-§3.2.1.4): messageType, pkiStatus and failInfo codes.

export const MessageType = {
  CertRep: 3,
  RenewalReq: 17,
  UpdateReq: 18,
  PKCSReq: 19,
  CertPoll: 20,
  GetCert: 21,
  GetCRL: 22,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const PkiStatus = { SUCCESS: 0, FAILURE: 2, PENDING: 3 } as const;
export type PkiStatus = (typeof PkiStatus)[keyof typeof PkiStatus];

export const FailInfo = {
  badAlg: 0,
  badMessageCheck: 1,
  badRequest: 2,
  badTime: 3,
  badCertId: 4,
} as const;
export type FailInfo = (typeof FailInfo)[keyof typeof FailInfo];

export function messageTypeName(type: number): string {
  const entry = Object.entries(MessageType).find(([, v]) => v === type);
  return entry ? entry[0] : `unknown (${type})`;
}
