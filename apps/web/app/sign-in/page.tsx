/**
 * Sign-in, rendered on the server: with a session cookie, the user's transactions (fetched from
 * the API with the cookie's token); without, the sign-in the API runs: live BankID (a link that
 * starts the OpenID Connect flow) or, in development, the mock form. No script handles the token.
 */
import { cookies, headers } from 'next/headers';
import { CSRF_FIELD } from '../../lib/csrf';
import { formatAmount } from '../../lib/format';
import { answer, api } from '../../lib/api';
import { CSRF_HEADER, SESSION_COOKIE, sessionToken } from '../../lib/session';

// The API's address is read when the page is served, not baked in at build time, so one image
// serves staging and production.
export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string | string[] }> }) {
  const token = sessionToken((await cookies()).get(SESSION_COOKIE)?.value);
  const csrf = (await headers()).get(CSRF_HEADER) ?? '';
  const { error } = await searchParams;

  if (token) {
    const me = await answer(api(token).v1.auth.me.$get());
    if (me.ok) {
      const list = await answer(api(token).v1.transactions.$get({ query: {} }));
      const transactions = list.ok ? list.body.transactions : [];
      return (
        <section>
          <h1>Sign in</h1>
          <p className="welcome">Signed in as {me.body.user.name}</p>
          <h2>Transactions</h2>
          {transactions.length === 0 ? (
            <p>No transactions yet.</p>
          ) : (
            <ul className="transactions">
              {transactions.map((t) => (
                <li key={t.id}>
                  <span>{t.description}</span>
                  <span className={t.amountMinor < 0 ? 'out' : 'in'}>{formatAmount(t)}</span>
                </li>
              ))}
            </ul>
          )}
          <form method="post" action="/api/auth/sign-out">
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <button type="submit">Sign out</button>
          </form>
        </section>
      );
    }
  }

  const mode = await answer(api().v1.auth.bankid.$get());
  return (
    <section>
      <h1>Sign in</h1>
      {mode.body.mode === 'mock' ? (
        <form method="post" action="/api/auth/mock" className="sign-in">
          <input type="hidden" name={CSRF_FIELD} value={csrf} />
          <label htmlFor="nationalId">National identity number (11 digits)</label>
          <input id="nationalId" name="nationalId" inputMode="numeric" autoComplete="off" required pattern="[0-9 ]{11,13}" />
          <button type="submit">Continue with BankID</button>
        </form>
      ) : (
        <p className="sign-in">
          <a className="button" href="/api/auth/bankid/start">
            Continue with BankID
          </a>
        </p>
      )}
      {typeof error === 'string' && error !== '' && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
