// Typed SCEP failures: each carries the RFC 8894 §3.2.1.4 failInfo to put in a FAILURE CertRep
// and whatever of the request was read before the failure, so the reply can still be addressed.
import type { DigestName } from '@/lib/pki/algorithms';
import { FailInfo } from './scep-types';

export type ScepErrorCode =
  | 'malformed-base64'
  | 'malformed'
  | 'missing-attribute'
  | 'unsupported-algorithm'
  | 'signer-not-found'
  | 'bad-signature'
  | 'unsupported-message-type'
  | 'decryption-failed'
  | 'unsupported-key';

/** What is known of the request; enough (transactionId + senderNonce) to build a FAILURE reply. */
export interface ScepRequestContext {
  messageType?: number;
  transactionId?: string;
  senderNonce?: Buffer;
  digest?: DigestName;
}

export class ScepError extends Error {
  constructor(
    public readonly failInfo: FailInfo,
    public readonly code: ScepErrorCode,
    message: string,
    public readonly context: ScepRequestContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScepError';
  }

  /**
   * A CertRep FAILURE needs the transactionID and senderNonce; without them (garbage input) the
   * transport can only answer HTTP 400.
   */
  get canReply(): boolean {
    return this.context.transactionId !== undefined && this.context.senderNonce !== undefined;
  }
}

export { FailInfo };
