'use client';

import { useState, type FormEvent } from 'react';

interface Transaction {
  id: string;
  amountMinor: number;
  currency: string;
  description: string;
  createdAt: string;
}
type State =
  | { step: 'form'; error?: string }
  | { step: 'waiting' }
  | { step: 'signed-in'; name: string; transactions: Transaction[] };

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(body?.error?.message ?? `The service answered ${res.status}`);
  return body as T;
}

export function formatAmount(t: Pick<Transaction, 'amountMinor' | 'currency'>): string {
  return new Intl.NumberFormat('nb-NO', { style: 'currency', currency: t.currency }).format(t.amountMinor / 100);
}

export function SignInForm({ apiUrl }: { apiUrl: string }) {
  const [state, setState] = useState<State>({ step: 'form' });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const nationalId = String(new FormData(event.currentTarget).get('nationalId') ?? '').replace(/\s/g, '');
    setState({ step: 'waiting' });
    try {
      const json = { 'content-type': 'application/json' };
      const { orderRef } = await call<{ orderRef: string }>(`${apiUrl}/v1/auth/bankid/start`, { method: 'POST', headers: json, body: JSON.stringify({ nationalId }) });
      const { token, user } = await call<{ token: string; user: { name: string } }>(`${apiUrl}/v1/auth/bankid/collect`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ orderRef }),
      });
      sessionStorage.setItem('drop.token', token);
      const { transactions } = await call<{ transactions: Transaction[] }>(`${apiUrl}/v1/transactions`, { headers: { authorization: `Bearer ${token}` } });
      setState({ step: 'signed-in', name: user.name, transactions });
    } catch (error) {
      setState({ step: 'form', error: (error as Error).message });
    }
  }

  if (state.step === 'signed-in') {
    return (
      <div>
        <p className="welcome">Signed in as {state.name}</p>
        <h2>Transactions</h2>
        {state.transactions.length === 0 ? (
          <p>No transactions yet.</p>
        ) : (
          <ul className="transactions">
            {state.transactions.map((t) => (
              <li key={t.id}>
                <span>{t.description}</span>
                <span className={t.amountMinor < 0 ? 'out' : 'in'}>{formatAmount(t)}</span>
              </li>
            ))}
          </ul>
        )}
        <button
          type="button"
          onClick={() => {
            sessionStorage.removeItem('drop.token');
            setState({ step: 'form' });
          }}
        >
          Sign out
        </button>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="sign-in">
      <label htmlFor="nationalId">National identity number (11 digits)</label>
      <input id="nationalId" name="nationalId" inputMode="numeric" autoComplete="off" required pattern="[0-9 ]{11,13}" />
      <button type="submit" disabled={state.step === 'waiting'}>
        {state.step === 'waiting' ? 'Waiting for BankID…' : 'Continue with BankID'}
      </button>
      {state.step === 'form' && state.error && (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
    </form>
  );
}
