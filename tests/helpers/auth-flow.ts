// Drives Tessera's real NextAuth configuration (authOptionsForRequest) the way a browser does,
// through NextAuth's own request handler, and drives the Entra stand-in's login and consent pages
// over HTTP. Route handlers need Next's request scope (next/headers), so the flow goes through
// NextAuth's API-route adapter instead: the same core, options and callbacks.
import NextAuth from 'next-auth';
import { authOptionsForRequest } from '@/server/auth/options';

export const APP_ORIGIN = 'http://localhost:3000';

type Jar = Map<string, string>;

function storeCookies(jar: Jar, setCookie: string[]) {
  for (const line of setCookie) {
    const [pair, ...attrs] = line.split(/;\s*/);
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = decodeURIComponent(pair.slice(eq + 1));
    const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');

export interface AuthResponse {
  status: number;
  location?: string;
  body: unknown;
  setCookies: string[];
}

/** A browser's view of Tessera's /api/auth/* endpoints: one cookie jar across calls. */
export class AuthBrowser {
  readonly jar: Jar = new Map();

  async call(method: 'GET' | 'POST', nextauth: string[], opts: { query?: Record<string, string>; body?: Record<string, string> } = {}): Promise<AuthResponse> {
    const headers: Record<string, string> = { host: 'localhost:3000', 'x-forwarded-for': '127.0.0.1', cookie: cookieHeader(this.jar) };
    if (opts.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const req = { method, query: { ...opts.query, nextauth }, body: opts.body ?? {}, cookies: Object.fromEntries(this.jar), headers, url: `/api/auth/${nextauth.join('/')}` };
    const out: AuthResponse = { status: 200, body: undefined, setCookies: [] };
    const resHeaders = new Map<string, unknown>();
    const res = {
      status(code: number) {
        out.status = code;
        return res;
      },
      setHeader(k: string, v: unknown) {
        resHeaders.set(k.toLowerCase(), v);
        return res;
      },
      getHeader: (k: string) => resHeaders.get(k.toLowerCase()),
      end() {},
      json(b: unknown) {
        out.body = b;
      },
      send(b: unknown) {
        out.body = b;
      },
    };
    const handler = NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>;
    await handler(req, res, await authOptionsForRequest(new Headers(headers)));
    out.location = resHeaders.get('location') as string | undefined;
    out.setCookies = ([] as string[]).concat((resHeaders.get('set-cookie') as string[] | string | undefined) ?? []);
    storeCookies(this.jar, out.setCookies);
    return out;
  }

  sessionToken(): string | undefined {
    return this.jar.get('next-auth.session-token');
  }
}

/**
 * Starts "Sign in with Microsoft Entra ID", logs in at the stand-in as `login` and consents, then
 * hands the authorization response to Tessera's callback. Returns the callback's answer.
 */
export async function signInThroughStandIn(browser: AuthBrowser, login: string, callbackUrl = `${APP_ORIGIN}/`): Promise<AuthResponse> {
  const csrf = await browser.call('GET', ['csrf']);
  const { csrfToken } = csrf.body as { csrfToken: string };
  const start = await browser.call('POST', ['signin', 'entra'], { body: { csrfToken, callbackUrl, json: 'true' } });
  let next = (start.body as { url?: string } | undefined)?.url;
  if (!next) throw new Error(`sign-in did not start: ${JSON.stringify(start)}`);

  const idpJar: Jar = new Map();
  const fetchIdp = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: cookieHeader(idpJar) } });
    storeCookies(idpJar, res.headers.getSetCookie());
    return res;
  };
  for (let hops = 0; hops < 20; hops++) {
    if (next.startsWith(`${APP_ORIGIN}/api/auth/callback/entra`)) {
      const url = new URL(next);
      let answer = await browser.call('GET', ['callback', 'entra'], { query: Object.fromEntries(url.searchParams) });
      // A failed callback goes through /api/auth/error and /api/auth/signin on to the sign-in page.
      for (let i = 0; i < 5 && answer.location?.startsWith(`${APP_ORIGIN}/api/auth/`); i++) {
        const hop = new URL(answer.location);
        answer = await browser.call('GET', hop.pathname.slice('/api/auth/'.length).split('/'), { query: Object.fromEntries(hop.searchParams) });
      }
      return answer;
    }
    const res = await fetchIdp(next);
    const location = res.headers.get('location');
    if (location) {
      next = new URL(location, next).toString();
      continue;
    }
    // An interaction page: the login form (login + password) or the consent form.
    const html = await res.text();
    const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
    const prompt = html.match(/name="prompt" value="([^"]+)"/)?.[1];
    if (!action || !prompt) throw new Error(`unexpected page from the stand-in (${res.status}): ${html.slice(0, 300)}`);
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt });
    const posted = await fetchIdp(new URL(action.replace(/&amp;/g, '&'), next).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const after = posted.headers.get('location');
    if (!after) throw new Error(`the stand-in answered ${posted.status} to the ${prompt} form`);
    next = new URL(after, next).toString();
  }
  throw new Error('too many redirects between Tessera and the stand-in');
}
