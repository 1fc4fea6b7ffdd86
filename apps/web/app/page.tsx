export default function Home() {
  return (
    <section className="hero">
      <h1>Money between friends, settled in seconds</h1>
      <p>
        Drop keeps track of what you send, receive and split, in NOK, SEK, DKK and EUR. Every amount is stored to the øre, and a payment
        retried on a bad connection is never booked twice.
      </p>
      <a className="button" href="/sign-in">
        Sign in with BankID
      </a>
      <ul className="points">
        <li>Sign in with BankID, no passwords</li>
        <li>Your transactions, newest first</li>
        <li>Hosted in the EU</li>
      </ul>
    </section>
  );
}
