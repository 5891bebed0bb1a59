import type { Metadata } from 'next';
import { TrpcProvider } from '@/components/trpc-provider';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Tessera', template: '%s · Tessera' },
  description: 'High-assurance device inventory and device certificates',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <TrpcProvider>{children}</TrpcProvider>
      </body>
    </html>
  );
}
