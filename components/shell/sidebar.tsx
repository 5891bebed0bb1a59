'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { Logo } from '@/components/logo';
import { NavIcon } from './icons';
import { navSections } from './nav';
import { SignOutButton } from './sign-out-button';

export function Sidebar({ teamName, user }: { teamName: string; user: { email: string; name: string | null; role: string } }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // The longest matching entry wins, so /integrations/identity does not also light up /integrations.
  const allHrefs = navSections.flatMap((s) => s.items.map((i) => i.href));
  const best = allHrefs
    .filter((h) => (h === '/' ? pathname === '/' : pathname === h || pathname.startsWith(h + '/')))
    .sort((a, b) => b.length - a.length)[0];
  const isActive = (href: string) => href === best;
  const nav = (
    <nav aria-label="Main" className="flex-1 space-y-5 overflow-y-auto px-3 py-4">
      {navSections.map((section, i) => (
        <div key={i}>
          {section.title && <p className="mb-1 px-2 text-[11px] font-semibold uppercase tracking-wider text-slate-400">{section.title}</p>}
          <ul className="space-y-0.5">
            {section.items.map((item) => (
              <li key={item.href}>
                <Link
                  href={item.href}
                  onClick={() => setOpen(false)}
                  aria-current={isActive(item.href) ? 'page' : undefined}
                  className={`flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm font-medium ${
                    isActive(item.href) ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'
                  }`}
                >
                  <NavIcon name={item.icon} />
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
  return (
    <>
      <header className="sticky top-0 z-20 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 lg:hidden">
        <div className="flex items-center gap-2">
          <Logo className="size-7" />
          <span className="font-semibold">{teamName}</span>
        </div>
        <button
          type="button"
          onClick={() => setOpen((o) => !o)}
          className="rounded-md p-2 text-slate-600 hover:bg-slate-100"
          aria-expanded={open}
          aria-controls="sidebar"
          aria-label="Toggle navigation"
        >
          <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
            <path d="M4 6h16M4 12h16M4 18h16" />
          </svg>
        </button>
      </header>
      <aside
        id="sidebar"
        className={`${open ? 'flex' : 'hidden'} fixed inset-y-0 left-0 z-30 w-64 flex-col border-r border-slate-200 bg-white lg:flex`}
      >
        <div className="flex items-center gap-2.5 border-b border-slate-200 px-5 py-4">
          <Logo className="size-8" />
          <div className="min-w-0">
            <p className="truncate text-sm font-semibold text-slate-900">{teamName}</p>
            <p className="text-xs text-slate-500">Tessera</p>
          </div>
        </div>
        {nav}
        <div className="border-t border-slate-200 px-4 py-3">
          <p className="truncate text-sm font-medium text-slate-900" title={user.email}>
            {user.name || user.email}
          </p>
          <p className="mb-2 truncate text-xs text-slate-500">
            <span className="capitalize">{user.role}</span> · {user.email}
          </p>
          <SignOutButton />
        </div>
      </aside>
    </>
  );
}
