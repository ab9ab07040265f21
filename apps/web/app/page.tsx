export default function Home() {
  return (
    <section>
      <h1>Runs</h1>
      <p>The runs browser arrives with the web issue.</p>
    </section>
  );
}
