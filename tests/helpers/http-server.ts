// Serves the app's route handlers over real HTTP on 127.0.0.1 (an ephemeral port), so that real
// protocol clients (scepclient, certmonger, curl, a fake Fleet) can talk to them in a test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (req: Request, ctx: { params: Promise<any> }) => Promise<Response> | Response;
export interface Route {
  pattern: RegExp; // named groups become params
  methods: Record<string, Handler>;
}

export async function serveRoutes(routes: Route[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const route = routes.find((r) => r.pattern.test(url.pathname));
      const match = route?.pattern.exec(url.pathname);
      const handler = route?.methods[req.method ?? 'GET'];
      if (!route || !match || !handler) {
        res.writeHead(404).end('not found');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const request = new Request(url, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body });
      const response = await handler(request, { params: Promise.resolve({ ...(match.groups ?? {}) }) });
      const out = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(out);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  // Outlive the client's keep-alive (undici drops idle sockets after 4 s): otherwise, on a loaded
  // machine, the server may close an idle socket just as the client reuses it (ECONNRESET).
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
