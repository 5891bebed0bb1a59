'use client';
import { signIn } from 'next-auth/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

// NextAuth reports every ID token openid-client refuses (wrong issuer, audience or signature,
// expired, nonce mismatch) as OAuthCallback.
const TOKEN_REFUSED =
  'Microsoft Entra ID sign-in failed: its answer could not be verified (issuer, audience, signature, expiry or nonce). Try again; if it keeps failing, ask an Owner to check the Entra ID settings.';

const messages: Record<string, string> = {
  CredentialsSignin: 'The email or password is not correct.',
  AccountDisabled: 'This account has been deactivated. Ask an administrator of your team.',
  PasswordSignInDisabled: 'Password sign-in is turned off for this team. Sign in with Microsoft Entra ID.',
  SessionRequired: 'Please sign in to continue.',
  EntraUnknownUser: 'Your Microsoft Entra ID account is not a Tessera user. Ask an administrator to assign you to the Tessera app in Entra.',
  EntraWrongTenant: 'This Microsoft Entra ID account belongs to another tenant than the one your team connected.',
  OAuthSignin: 'Microsoft Entra ID sign-in could not start. Ask an Owner to check the Entra ID settings.',
  OAuthCallback: TOKEN_REFUSED,
  Callback: TOKEN_REFUSED,
  OAuthAccountNotLinked: 'Microsoft Entra ID sign-in failed. Try again.',
  AccessDenied: 'Sign-in was refused.',
};

function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInForm({ entra = false, password = true }: { entra?: boolean; password?: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(params.get('error') ? messages[params.get('error')!] ?? 'Sign-in failed.' : null);
  const [pending, setPending] = useState(false);
  const [ssoPending, setSsoPending] = useState(false);

  async function onEntra() {
    setSsoPending(true);
    setError(null);
    // NextAuth's OIDC flow: a POST to /api/auth/signin/entra, then the browser goes to Entra.
    await signIn('entra', { callbackUrl: safeNext(params.get('next')) });
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn('credentials', {
      email: String(f.get('email')),
      password: String(f.get('password')),
      redirect: false,
    });
    if (!res?.ok) {
      setPending(false);
      setError(messages[res?.error ?? ''] ?? 'Sign-in failed. Try again.');
      return;
    }
    router.replace(safeNext(params.get('next')));
    router.refresh();
  }

  return (
    <div className="space-y-4">
      {error && <Alert>{error}</Alert>}
      {entra && (
        <Button type="button" variant={password ? 'secondary' : 'primary'} className="w-full" loading={ssoPending} onClick={() => void onEntra()}>
          Sign in with Microsoft Entra ID
        </Button>
      )}
      {entra && password && (
        <div className="flex items-center gap-3 text-xs text-slate-400" aria-hidden>
          <span className="h-px flex-1 bg-slate-200" />
          or with email and password
          <span className="h-px flex-1 bg-slate-200" />
        </div>
      )}
      {password ? (
        <SignInPasswordForm onSubmit={onSubmit} pending={pending} />
      ) : (
        <p className="text-center text-xs text-slate-500">
          {entra
            ? 'Your team signs in with Microsoft Entra ID only; password sign-in is turned off.'
            : 'Password sign-in is turned off and no identity provider is connected. An operator can turn password sign-in back on with `tessera auth password-signin enable`.'}
        </p>
      )}
    </div>
  );
}

function SignInPasswordForm({ onSubmit, pending }: { onSubmit: (e: React.FormEvent<HTMLFormElement>) => void; pending: boolean }) {
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <Field id="email" label="Email" type="email" required autoComplete="username" autoFocus />
      <Field id="password" label="Password" type="password" required autoComplete="current-password" />
      <Button type="submit" className="w-full" loading={pending}>
        Sign in
      </Button>
    </form>
  );
}
