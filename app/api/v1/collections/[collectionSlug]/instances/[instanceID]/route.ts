import { saveCollectionInstanceRoute } from '@/server/http/rest/collections';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ collectionSlug: string; instanceID: string }> };

export const PUT = async (req: Request, { params }: Ctx) => {
  const p = await params;
  return saveCollectionInstanceRoute(req, p.collectionSlug, p.instanceID);
};
