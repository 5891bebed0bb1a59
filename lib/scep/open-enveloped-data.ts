// Opens a CMS EnvelopedData (RFC 5652 §6) addressed to us with RSA key transport, as SCEP's
// pkcsPKIEnvelope (RFC 8894 §3.2.2). Structural problems are badRequest or badAlg; anything that
// depends on the decrypted bytes is one uniform badMessageCheck (see content-cipher.ts).
import type { KeyObject } from 'node:crypto';
import {
  isContext,
  isUniversal,
  readConstructed,
  readDer,
  readIntegerBytes,
  readOctetString,
  readOid,
  readSequence,
  readSet,
  readStringBytes,
  Tag,
  type DerNode,
} from '@/lib/pki/der-reader';
import { OID } from '@/lib/pki/oids';
import { serialToHex, type ParsedCertificate } from '@/lib/pki/parse-certificate';
import { CONTENT_CIPHERS, contentCipherForOid, ContentDecryptionError, decryptContent, type ContentCipher } from './content-cipher';
import { readKeyTransport } from './key-transport-algorithm';
import { decryptContentKey, type KeyTransport } from './rsa-pkcs1-unpad';
import { FailInfo } from './scep-types';
import { ScepError, type ScepRequestContext } from './scep-error';

export interface EnvelopeRecipient {
  certificate: ParsedCertificate;
  privateKey: KeyObject;
}

export interface OpenedEnvelope {
  content: Buffer;
  cipher: ContentCipher;
  keyTransport: KeyTransport;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

/** Unwraps ContentInfo { envelopedData, [0] EnvelopedData } and returns the EnvelopedData node. */
function envelopedDataNode(der: Uint8Array): DerNode {
  const [type, content] = readSequence(readDer(der), 2, 2);
  if (readOid(type) !== OID.envelopedData || !isContext(content, 0)) throw new Error('not EnvelopedData');
  return readConstructed(content)[0];
}

interface KeyTransRecipient {
  matches: boolean;
  algorithm: DerNode;
  encryptedKey: Uint8Array;
}

function readRecipients(node: DerNode, recipient: ParsedCertificate): KeyTransRecipient[] {
  const out: KeyTransRecipient[] = [];
  for (const info of readSet(node)) {
    // Only KeyTransRecipientInfo is a bare SEQUENCE; kari/kekri/pwri are context-tagged choices.
    if (!isUniversal(info, Tag.sequence)) continue;
    const [, rid, algorithm, encryptedKey] = readSequence(info, 4, 4);
    let matches = false;
    if (isUniversal(rid, Tag.sequence)) {
      const [issuer, serial] = readSequence(rid, 2, 2);
      matches =
        equalBytes(issuer.bytes, recipient.issuerDer) &&
        serialToHex(readIntegerBytes(serial)) === recipient.serialNumberHex;
    } else if (isContext(rid, 0) && recipient.subjectKeyIdentifier) {
      matches = equalBytes(readStringBytes(rid, Tag.octetString), recipient.subjectKeyIdentifier);
    }
    out.push({ matches, algorithm, encryptedKey: readOctetString(encryptedKey) });
  }
  return out;
}

export function openEnvelopedData(
  der: Uint8Array,
  recipient: EnvelopeRecipient,
  context: ScepRequestContext = {},
): OpenedEnvelope {
  let recipients: KeyTransRecipient[];
  let cipher: ContentCipher | undefined;
  let iv: Uint8Array;
  let encrypted: Uint8Array;
  try {
    const parts = readSequence(envelopedDataNode(der), 3, 5);
    let i = 1; // skip version
    if (isContext(parts[i], 0)) i++; // originatorInfo
    recipients = readRecipients(parts[i++], recipient.certificate);
    const eci = readSequence(parts[i], 2, 3);
    const [algOid, params] = readSequence(eci[1], 1, 2);
    cipher = contentCipherForOid(readOid(algOid));
    iv = params ? readOctetString(params) : new Uint8Array();
    if (!eci[2] || !isContext(eci[2], 0)) throw new Error('no encryptedContent');
    encrypted = readStringBytes(eci[2], Tag.octetString, 'encryptedContent');
  } catch (err) {
    throw new ScepError(FailInfo.badRequest, 'malformed', `malformed pkcsPKIEnvelope: ${(err as Error).message}`, context, { cause: err });
  }
  if (!cipher) throw new ScepError(FailInfo.badAlg, 'unsupported-algorithm', 'unsupported content cipher', context);

  // Prefer the RecipientInfo that names our RA; with a single one, try it anyway (some clients
  // name the CA certificate instead) - a wrong guess just fails content decryption.
  const chosen = recipients.find((r) => r.matches) ?? (recipients.length === 1 ? recipients[0] : undefined);
  if (!chosen) throw new ScepError(FailInfo.badMessageCheck, 'decryption-failed', 'envelope is not addressed to this RA', context);
  let keyTransport: KeyTransport | undefined;
  try {
    keyTransport = readKeyTransport(chosen.algorithm);
  } catch (err) {
    throw new ScepError(FailInfo.badRequest, 'malformed', 'malformed keyEncryptionAlgorithm', context, { cause: err });
  }
  if (!keyTransport) throw new ScepError(FailInfo.badAlg, 'unsupported-algorithm', 'unsupported key transport', context);

  const key = decryptContentKey(recipient.privateKey, chosen.encryptedKey, keyTransport, CONTENT_CIPHERS[cipher].keyLength);
  try {
    return { content: decryptContent(cipher, key, iv, encrypted), cipher, keyTransport };
  } catch (err) {
    if (!(err instanceof ContentDecryptionError)) throw err;
    throw new ScepError(FailInfo.badMessageCheck, 'decryption-failed', 'pkcsPKIEnvelope does not decrypt', context);
  }
}
