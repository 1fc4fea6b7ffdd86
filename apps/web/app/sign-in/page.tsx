import { SignInForm } from './sign-in-form';

// The API's address is read when the page is served, not baked in at build time, so one image
// serves staging and production.
export const dynamic = 'force-dynamic';

export default function SignInPage() {
  const apiUrl = process.env.API_URL || 'http://localhost:3001';
  return (
    <section>
      <h1>Sign in</h1>
      <SignInForm apiUrl={apiUrl} />
    </section>
  );
}
