import { tesseraOpenApi } from '@/lib/openapi/tessera-openapi';

// The OpenAPI document of the REST API that Tessera implements; public, like any API description.
export const GET = () => Response.json(tesseraOpenApi, { headers: { 'cache-control': 'public, max-age=300' } });
