import { handleAttestationRoot } from '@/server/http/attestation';

export const dynamic = 'force-dynamic';

export const GET = () => handleAttestationRoot();
