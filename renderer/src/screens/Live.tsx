export function LiveScreen({ runId }: { runId: string }) {
  return (
    <section className="screen">
      <h1 tabIndex={-1}>Live</h1>
      <p className="muted">{runId}</p>
    </section>
  );
}
