import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Drop: money between friends, the Nordic way',
  description: 'Send, split and track money in Norway, Sweden, Denmark and Finland. Sign in with BankID.',
};

const mode = process.env.NEXT_PUBLIC_SERVICE_MODE;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: its scripts carry this request's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        {mode !== 'live' && (
          <p className="banner" role="status" data-mode={mode}>
            {mode === 'demo' ? 'Demo mode: sample data, no real money moves.' : 'Test environment: BankID test users only.'}
          </p>
        )}
        <header className="top">
          <Link href="/" className="logo">
            Drop
          </Link>
          <Link href="/sign-in">Sign in</Link>
        </header>
        <main>{children}</main>
        <footer>Drop AS · Oslo</footer>
      </body>
    </html>
  );
}
