'use client';
import { signIn } from 'next-auth/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

const messages: Record<string, string> = {
  CredentialsSignin: 'The email or password is not correct.',
  AccountDisabled: 'This account has been deactivated. Ask an administrator of your team.',
  SessionRequired: 'Please sign in to continue.',
};

function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(params.get('error') ? messages[params.get('error')!] ?? 'Sign-in failed.' : null);
  const [pending, setPending] = useState(false);

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
    <form onSubmit={onSubmit} className="space-y-4">
      {error && <Alert>{error}</Alert>}
      <Field id="email" label="Email" type="email" required autoComplete="username" autoFocus />
      <Field id="password" label="Password" type="password" required autoComplete="current-password" />
      <Button type="submit" className="w-full" loading={pending}>
        Sign in
      </Button>
    </form>
  );
}
